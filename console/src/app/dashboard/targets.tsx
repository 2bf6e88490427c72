import { fmtMs, fmtNum, fmtUsd } from "../format.js";

/** One entry of `GET /health` `targets` (router/src/health/summary.ts). */
export interface TargetHealth {
  name: string;
  type: string;
  kind: "cluster" | "external";
  region?: string;
  status: string;
  circuit: string;
  costPer1K: number | null;
  marginalCostPer1K: number | null;
  latencyEwmaMs: number | null;
  inFlight: number;
  queueDepth?: number;
  tokensPerSecond?: number;
  ready?: boolean;
  pendingDemand?: number;
}

/** Cold/warm only means something for clusters; a scale-to-zero pool reports pending demand. */
const warmth = (t: TargetHealth) =>
  t.kind !== "cluster" ? "—" : t.status === "cold" || t.ready === false ? "cold" : "warm";

export function TargetsTable({ targets, error }: { targets: TargetHealth[]; error?: string }) {
  return (
    <section class="card wide" aria-labelledby="targets-title">
      <h2 id="targets-title">Targets</h2>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <div class="table-wrap">
        <table aria-label="Targets">
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col">Kind</th>
              <th scope="col">Region</th>
              <th scope="col">Health</th>
              <th scope="col">Circuit</th>
              <th scope="col">Queue</th>
              <th scope="col">In flight</th>
              <th scope="col">$ / 1K tokens</th>
              <th scope="col">Marginal $ / 1K</th>
              <th scope="col">Tokens/s</th>
              <th scope="col">Latency</th>
              <th scope="col">Cold / warm</th>
              <th scope="col">Pending demand</th>
            </tr>
          </thead>
          <tbody>
            {targets.map((t) => (
              <tr key={t.name}>
                <th scope="row" class="mono">
                  {t.name}
                </th>
                <td>
                  {t.kind} ({t.type})
                </td>
                <td>{t.region ?? "—"}</td>
                <td>
                  <span class={`pill ${t.status}`}>{t.status}</span>
                </td>
                <td>{t.circuit}</td>
                <td>{t.queueDepth ?? "—"}</td>
                <td>{t.inFlight}</td>
                <td>{fmtUsd(t.costPer1K)}</td>
                <td>{fmtUsd(t.marginalCostPer1K)}</td>
                <td>{fmtNum(t.tokensPerSecond)}</td>
                <td>{fmtMs(t.latencyEwmaMs)}</td>
                <td>{warmth(t)}</td>
                <td>{t.pendingDemand === undefined ? "—" : fmtNum(t.pendingDemand)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
