import { z } from "zod";
import type { UsageLedger } from "../usage/ledger.js";
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

const keyOf = (r: UsageRecord, by: AnalyticsGroupBy): string =>
  by === "tenant"
    ? r.tenantId
    : by === "target"
      ? r.target
      : by === "model"
        ? r.model
        : new Date(r.timestamp).toISOString().slice(0, 10);

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

/**
 * The analytics report: computed from the usage records this replica still holds (percentiles
 * exact); `resolution` is `records` when they are every request in range (the ledger says so),
 * else `partial` (older records were evicted, or several replicas share Redis: `/admin/usage` then
 * has the shared hourly totals). The projection uses the ledger's month-to-date totals.
 */
export async function analyticsReport(
  ledger: UsageLedger,
  q: { from: number; to: number; groupBy: AnalyticsGroupBy; tenant?: string },
  now: number,
) {
  const records = ledger.records(q.from, q.to).filter((r) => !q.tenant || r.tenantId === q.tenant);
  const complete =
    (await ledger.query({ from: q.from, to: q.to, groupBy: "tenant" })).resolution === "records";
  const groups = new Map<string, UsageRecord[]>();
  const models = new Map<string, UsageRecord[]>();
  for (const r of records) {
    const k = keyOf(r, q.groupBy);
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(r);
    (models.get(r.model) ?? models.set(r.model, []).get(r.model)!).push(r);
  }
  const breakdown = [...groups.entries()]
    .map(([key, list]) => ({ key, ...stats(list) }))
    .sort((a, b) =>
      q.groupBy === "day" ? a.key.localeCompare(b.key) : b.costUsd - a.costUsd || a.key.localeCompare(b.key),
    );
  const topModels = [...models.entries()]
    .map(([model, list]) => {
      const s = stats(list);
      return { model, requests: s.requests, costUsd: s.costUsd, totalTokens: s.totalTokens };
    })
    .sort((a, b) => b.requests - a.requests || b.costUsd - a.costUsd)
    .slice(0, 10);
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
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    groupBy: q.groupBy,
    tenant: q.tenant ?? null,
    resolution: complete ? "records" : "partial",
    totals: stats(records),
    breakdown,
    topModels,
    projection: projection(monthSpent, now),
  };
}
