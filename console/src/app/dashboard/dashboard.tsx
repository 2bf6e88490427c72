import { useCallback, useEffect, useState } from "preact/hooks";
import { json } from "../api.js";
import { Field } from "../field.js";
import { fmtAxisUsd, fmtMs, fmtNum, fmtUsd, projectMonth } from "../format.js";
import type { Session } from "../session.js";
import { type BudgetRow, BudgetsTable } from "./budgets.js";
import { TimeChart } from "./chart.js";
import { type DecisionEvent, type FeedState, followEvents, isDecision, type OtherEvent } from "./events.js";
import { DecisionFeed, OtherEvents } from "./feed.js";
import { type TargetHealth, TargetsTable } from "./targets.js";
import { type GroupBy, loadUsage, type Range, type UsageSeries } from "./usage.js";

const FEED_LIMIT = 50;

/** Whole-range figures of `GET /admin/analytics` the summary shows (absent fields show "—"). */
interface Analytics {
  totals?: {
    requests?: number;
    costUsd?: number;
    savedUsd?: number;
    errors?: number;
    cacheHits?: number;
    latencyP50Ms?: number;
    latencyP95Ms?: number;
  };
  topModels?: { model: string; requests: number; costUsd: number }[];
  projection?: { projectedUsd?: number };
}

/** Live decisions, usage over time, savings, targets and budgets. */
export function Dashboard({ session }: { session: Session }) {
  const [decisions, setDecisions] = useState<DecisionEvent[]>([]);
  const [others, setOthers] = useState<OtherEvent[]>([]);
  const [feed, setFeed] = useState<{ state: FeedState; why?: string }>({ state: "connecting" });
  const [range, setRange] = useState<Range>("1h");
  const [groupBy, setGroupBy] = useState<GroupBy>("target");
  const [usage, setUsage] = useState<UsageSeries | null>(null);
  const [usageError, setUsageError] = useState<string>();
  const [analytics, setAnalytics] = useState<Analytics | null>(null);
  const [targets, setTargets] = useState<TargetHealth[]>([]);
  const [healthError, setHealthError] = useState<string>();
  const [budgets, setBudgets] = useState<BudgetRow[]>([]);
  const [budgetError, setBudgetError] = useState<string>();

  useEffect(
    () =>
      followEvents(
        (e) => {
          if (isDecision(e))
            setDecisions((ds) => [e, ...ds.filter((d) => d.requestId !== e.requestId)].slice(0, FEED_LIMIT));
          else setOthers((os) => [e as OtherEvent, ...os].slice(0, 20));
        },
        (state, why) => setFeed({ state, why }),
      ),
    [],
  );

  const refresh = useCallback(async () => {
    const tenant =
      session.role === "tenant-admin" && session.tenant
        ? `&tenant=${encodeURIComponent(session.tenant)}`
        : "";
    const day = Date.now() - 30 * 86_400_000;
    await Promise.all([
      loadUsage(range, groupBy)
        .then((u) => {
          setUsage(u);
          setUsageError(undefined);
        })
        .catch((e: Error) => setUsageError(e.message)),
      json<Analytics>(`/admin/analytics?from=${day}&groupBy=day${tenant}`)
        .catch(() => usageSummary(day))
        .then(setAnalytics)
        .catch(() => setAnalytics(null)),
      json<{ targets: TargetHealth[] }>("/health")
        .then((h) => {
          setTargets(h.targets);
          setHealthError(undefined);
        })
        .catch((e: Error) => setHealthError(e.message)),
      (session.role === "user"
        ? Promise.resolve({ data: [] })
        : json<{ data: BudgetRow[] }>("/admin/budgets")
      )
        .then((b) => {
          setBudgets(b.data);
          setBudgetError(undefined);
        })
        .catch((e: Error) => setBudgetError(e.message)),
    ]);
  }, [range, groupBy, session]);

  useEffect(() => {
    void refresh();
    const t = setInterval(() => void refresh(), 10_000);
    return () => clearInterval(t);
  }, [refresh]);

  const liveCost = decisions.reduce((a, d) => a + d.costUsd, 0);
  const liveSaved = decisions.reduce((a, d) => a + (d.savedUsd ?? 0), 0);
  const t = analytics?.totals;
  const top = analytics?.topModels?.[0];
  return (
    <div class="dashboard">
      <section class="card wide summary" aria-label="Summary">
        <Stat label="Requests (30 days)" value={fmtNum(t?.requests)} />
        <Stat label="Cost (30 days)" value={fmtUsd(t?.costUsd)} />
        <Stat label="Saved vs all-external (30 days)" value={fmtUsd(t?.savedUsd)} />
        <Stat label="Month-end projection" value={fmtUsd(analytics?.projection?.projectedUsd)} />
        <Stat label="Latency p50 / p95" value={`${fmtMs(t?.latencyP50Ms)} / ${fmtMs(t?.latencyP95Ms)}`} />
        <Stat label="Errors / cache hits" value={`${fmtNum(t?.errors)} / ${fmtNum(t?.cacheHits)}`} />
        <Stat label="Top model" value={top ? `${top.model} (${fmtNum(top.requests)})` : "—"} />
        <Stat label="Live feed: cost" value={fmtUsd(liveCost)} />
        <Stat label="Live feed: saved" value={fmtUsd(liveSaved)} />
      </section>
      <DecisionFeed decisions={decisions} state={feed.state} why={feed.why} />
      <section class="card wide" aria-labelledby="usage-title">
        <h2 id="usage-title">Requests and cost over time</h2>
        <div class="row">
          <Field label="Range">
            <select value={range} onChange={(e) => setRange(e.currentTarget.value as Range)}>
              <option value="1h">last hour</option>
              <option value="24h">last 24 hours</option>
              <option value="7d">last 7 days</option>
            </select>
          </Field>
          <Field label="Per">
            <select value={groupBy} onChange={(e) => setGroupBy(e.currentTarget.value as GroupBy)}>
              <option value="target">target</option>
              <option value="tenant">tenant</option>
              <option value="model">model</option>
            </select>
          </Field>
          <button type="button" class="secondary" onClick={() => void refresh()}>
            Refresh
          </button>
        </div>
        {usageError && <p class="muted">Usage: {usageError}</p>}
        {usage && (
          <div class="charts">
            <TimeChart title="Requests" times={usage.times} series={usage.requests} format={fmtNum} />
            <TimeChart
              title="Cost (USD)"
              times={usage.times}
              series={usage.cost}
              format={fmtUsd}
              axis={fmtAxisUsd}
            />
          </div>
        )}
      </section>
      <TargetsTable targets={targets} error={healthError} />
      {session.role !== "user" && <BudgetsTable rows={budgets} error={budgetError} />}
      <OtherEvents events={others} />
    </div>
  );
}

/**
 * The summary from `/admin/usage` for a router without `/admin/analytics`: 30-day totals, and a
 * month-end projection from this month's spend so far.
 */
async function usageSummary(from: number): Promise<Analytics> {
  type Report = { totals: { requests: number; costUsd: number; savedUsd?: number } };
  const now = new Date();
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const [range, month] = await Promise.all([
    json<Report>(`/admin/usage?from=${from}&groupBy=tenant`),
    json<Report>(`/admin/usage?from=${monthStart}&groupBy=tenant`),
  ]);
  return { totals: range.totals, projection: { projectedUsd: projectMonth(month.totals.costUsd, now) } };
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div class="stat">
      <div class="stat-value">{value}</div>
      <div class="stat-label">{label}</div>
    </div>
  );
}
