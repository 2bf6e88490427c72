import { z } from "zod";
import type { HourlyRollup, UsageLedger } from "../usage/ledger.js";
import { addRollup, emptyRollup, rollupQuantile, type UsageRollup } from "../usage/rollup.js";
import type { UsageRecord } from "../usage/types.js";

const time = z
  .union([z.string().regex(/^\d+$/).transform(Number), z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((v) => (typeof v === "number" ? v : Date.parse(v)));

/** `GET /admin/analytics` query. */
export const analyticsQuery = z
  .object({
    from: time.optional(),
    to: time.optional(),
    groupBy: z.enum(["tenant", "target", "model", "day"]).default("tenant"),
    tenant: z.string().min(1).optional(),
  })
  .strict();
export type AnalyticsGroupBy = z.infer<typeof analyticsQuery>["groupBy"];

/** `/admin/usage`'s totals (same names and meanings; `latencyMs` is a sum) plus what dashboards need. */
export interface AnalyticsStats {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  latencyMs: number;
  totalTokens: number;
  savedUsd: number;
  cacheHits: number;
  cacheReadTokens: number;
  errorRate: number;
  latencyMeanMs: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function stats(records: readonly UsageRecord[]): AnalyticsStats {
  const s = {
    requests: 0,
    errors: 0,
    promptTokens: 0,
    completionTokens: 0,
    costUsd: 0,
    latencyMs: 0,
    savedUsd: 0,
    cacheHits: 0,
    cacheReadTokens: 0,
  };
  const latencies: number[] = [];
  for (const r of records) {
    s.requests++;
    if (r.status >= 400) s.errors++;
    s.promptTokens += r.promptTokens;
    s.completionTokens += r.completionTokens;
    s.costUsd += r.costUsd;
    s.latencyMs += r.latencyMs;
    s.savedUsd += r.savedUsd ?? 0;
    if (r.cacheResult === "hit" || r.cacheResult === "semantic-hit") s.cacheHits++;
    s.cacheReadTokens += r.cacheReadTokens ?? 0;
    latencies.push(r.latencyMs);
  }
  latencies.sort((a, b) => a - b);
  return {
    ...s,
    totalTokens: s.promptTokens + s.completionTokens,
    errorRate: s.requests ? s.errors / s.requests : 0,
    latencyMeanMs: s.requests ? s.latencyMs / s.requests : null,
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP95Ms: percentile(latencies, 0.95),
  };
}

/** The same figures from merged hourly roll-ups: p50/p95 interpolated inside the histogram's bucket. */
function rollupStats(t: UsageRollup): AnalyticsStats {
  return {
    requests: t.requests,
    errors: t.errors,
    promptTokens: t.promptTokens,
    completionTokens: t.completionTokens,
    costUsd: t.costUsd,
    latencyMs: t.latencyMs,
    savedUsd: t.savedUsd,
    cacheHits: t.cacheHits,
    cacheReadTokens: t.cacheReadTokens,
    totalTokens: t.promptTokens + t.completionTokens,
    errorRate: t.requests ? t.errors / t.requests : 0,
    latencyMeanMs: t.requests ? t.latencyMs / t.requests : null,
    latencyP50Ms: rollupQuantile(t.latencyBuckets, 0.5),
    latencyP95Ms: rollupQuantile(t.latencyBuckets, 0.95),
  };
}

type Dims = { tenantId: string; target: string; model: string };
const keyOf = (r: Dims, time: number, by: AnalyticsGroupBy): string =>
  by === "tenant"
    ? r.tenantId
    : by === "target"
      ? r.target
      : by === "model"
        ? r.model
        : new Date(time).toISOString().slice(0, 10);

type Row = { key: string } & AnalyticsStats;
type TopModel = { model: string; requests: number; costUsd: number; totalTokens: number };

/** Groups items by key, then computes each group's stats (one function for records and roll-ups). */
function grouped<T>(items: readonly T[], key: (i: T) => string, stat: (list: T[]) => AnalyticsStats) {
  const groups = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(i);
  }
  return [...groups.entries()].map(([k, list]) => ({ key: k, ...stat(list) }));
}

function report<T extends Dims>(
  items: readonly T[],
  time: (i: T) => number,
  stat: (list: T[]) => AnalyticsStats,
  groupBy: AnalyticsGroupBy,
): { totals: AnalyticsStats; breakdown: Row[]; topModels: TopModel[] } {
  const breakdown = grouped(items, (i) => keyOf(i, time(i), groupBy), stat).sort((a, b) =>
    groupBy === "day" ? a.key.localeCompare(b.key) : b.costUsd - a.costUsd || a.key.localeCompare(b.key),
  );
  const topModels = grouped(items, (i) => i.model, stat)
    .map((s) => ({ model: s.key, requests: s.requests, costUsd: s.costUsd, totalTokens: s.totalTokens }))
    .sort((a, b) => b.requests - a.requests || b.costUsd - a.costUsd)
    .slice(0, 10);
  return { totals: stat([...items]), breakdown, topModels };
}

const mergedStats = (list: readonly HourlyRollup[]): AnalyticsStats => {
  const t = emptyRollup();
  for (const r of list) addRollup(t, r.totals);
  return rollupStats(t);
};

/** Month-end projection: the month's spend so far over the elapsed days, times the month's days. */
export function projection(spentUsd: number, now: number) {
  const d = new Date(now);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const daysInMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  // At least an hour elapsed, so the first minutes of a month do not project a wild rate.
  const elapsedDays = Math.max(1 / 24, (now - start) / 86_400_000);
  const dailyRunRateUsd = spentUsd / elapsedDays;
  return {
    month: d.toISOString().slice(0, 7),
    spentUsd,
    elapsedDays,
    daysInMonth,
    dailyRunRateUsd,
    projectedUsd: dailyRunRateUsd * daysInMonth,
  };
}

const HOUR = 3_600_000;

/**
 * The analytics report. While this replica holds every request in range individually (no Redis,
 * none evicted) it is computed from those records (`resolution: "records"`, percentiles exact);
 * otherwise from the ledger's hourly roll-ups (`resolution: "hourly"`, range widened to whole
 * hours), which Redis shares between replicas and which outlive the records: complete for every
 * replica's traffic, p50/p95 interpolated inside the merged latency histogram's bucket. The
 * projection uses the ledger's month-to-date totals.
 */
export async function analyticsReport(
  ledger: UsageLedger,
  q: { from: number; to: number; groupBy: AnalyticsGroupBy; tenant?: string },
  now: number,
) {
  const mine = (r: Dims) => !q.tenant || r.tenantId === q.tenant;
  const exact = ledger.holdsAllRecords(q.from);
  let from = q.from;
  let to = q.to;
  let body: ReturnType<typeof report>;
  if (exact) body = report(ledger.records(q.from, q.to).filter(mine), (r) => r.timestamp, stats, q.groupBy);
  else {
    from = Math.floor(q.from / HOUR) * HOUR;
    to = Math.ceil(q.to / HOUR) * HOUR;
    const rollups = (await ledger.rollups(from, to)).filter(mine);
    body = report(rollups, (r) => r.hour, mergedStats, q.groupBy);
  }
  const d = new Date(now);
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const month = await ledger.query({
    from: monthStart,
    to: Math.max(now, monthStart + 1),
    groupBy: "tenant",
  });
  const monthSpent = q.tenant
    ? (month.breakdown.find((b) => b.key === q.tenant)?.costUsd ?? 0)
    : month.totals.costUsd;
  return {
    object: "analytics",
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    groupBy: q.groupBy,
    tenant: q.tenant ?? null,
    resolution: exact ? "records" : "hourly",
    /** How latencyP50Ms/latencyP95Ms were obtained (router/README.md § /admin/analytics). */
    percentiles: exact ? "exact" : "interpolated",
    ...body,
    projection: projection(monthSpent, now),
  };
}
