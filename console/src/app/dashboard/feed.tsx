import { fmtMs, fmtNum, fmtTime, fmtUsd } from "../format.js";
import type { DecisionEvent, FeedState, OtherEvent } from "./events.js";

const STATE_TEXT: Record<FeedState, string> = {
  connecting: "connecting…",
  live: "live",
  retrying: "reconnecting…",
  unavailable: "unavailable",
};

/** The live decision feed: newest first, one row per finished request. */
export function DecisionFeed(p: { decisions: DecisionEvent[]; state: FeedState; why?: string }) {
  return (
    <section class="card wide feed" aria-labelledby="feed-title">
      <h2 id="feed-title">
        Live decisions{" "}
        <span class={`pill ${p.state}`} role="status">
          {STATE_TEXT[p.state]}
          {p.why && p.state !== "live" ? `: ${p.why}` : ""}
        </span>
      </h2>
      <div class="table-wrap">
        <table aria-label="Live routing decisions">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Tenant</th>
              <th scope="col">Model</th>
              <th scope="col">Target</th>
              <th scope="col">Reason</th>
              <th scope="col">Status</th>
              <th scope="col">Tokens</th>
              <th scope="col">Cost</th>
              <th scope="col">Saved</th>
              <th scope="col">Latency</th>
              <th scope="col">Cache</th>
            </tr>
          </thead>
          <tbody>
            {p.decisions.length === 0 && (
              <tr>
                <td colSpan={11} class="muted">
                  No requests yet: send one from the playground.
                </td>
              </tr>
            )}
            {p.decisions.map((d) => (
              <tr key={d.requestId} data-request-id={d.requestId} class={d.status >= 400 ? "bad" : undefined}>
                <td>{fmtTime(d.time)}</td>
                <td>{d.tenant}</td>
                <td>{d.model}</td>
                <td class="mono">{d.target}</td>
                <td>{d.reason || "—"}</td>
                <td>{d.status}</td>
                <td>{fmtNum(d.tokens?.total)}</td>
                <td>{fmtUsd(d.costUsd)}</td>
                <td>{fmtUsd(d.savedUsd)}</td>
                <td>{fmtMs(d.latencyMs)}</td>
                <td>{d.cache?.hit ? "hit" : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Router-wide events (health and circuit changes, budget alerts, failovers), newest first. */
export function OtherEvents({ events }: { events: OtherEvent[] }) {
  return (
    <section class="card" aria-labelledby="events-title">
      <h2 id="events-title">Router events</h2>
      {events.length === 0 ? (
        <p class="muted">No health, circuit or budget events since this page opened.</p>
      ) : (
        <ul class="events">
          {events.map((e, i) => (
            <li key={`${e.time}-${i}`}>
              <span class="muted">{fmtTime(e.time)}</span> <strong>{e.type}</strong> {describe(e)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function describe(e: OtherEvent): string {
  const s = (k: string) => (e[k] === undefined ? "" : String(e[k]));
  switch (e.type) {
    case "target_state":
      return `${s("target")}: ${s("health")}, circuit ${s("circuit")}${e.cold ? ", cold" : ""}`;
    case "circuit_open":
      return `${s("target")} circuit opened`;
    case "failover":
      return `${s("from")} failed (${s("status")}, ${s("rule")}); request ${s("requestId")}`;
    case "budget.alert":
      return `${s("scope")} ${s("period")} at ${Math.round(Number(e.threshold) * 100)}%: ${fmtUsd(Number(e.spentUsd))} of ${fmtUsd(Number(e.limitUsd))}`;
    case "fallback":
      return `${s("condition")}: ${s("fromGroup")} → ${s("toGroup")}`;
    default:
      return "";
  }
}
