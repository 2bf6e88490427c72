import { ApiError, json } from "../api.js";
import type { Series } from "./chart.js";

export type GroupBy = "target" | "tenant" | "model";
export type Range = "1h" | "24h" | "7d";

/** Bucket width and count per range. */
const RANGES: Record<Range, { bucketMs: number; buckets: number }> = {
  "1h": { bucketMs: 5 * 60_000, buckets: 12 },
  "24h": { bucketMs: 3_600_000, buckets: 24 },
  "7d": { bucketMs: 86_400_000, buckets: 7 },
};

interface UsageTotals {
  requests: number;
  costUsd: number;
}
interface UsageReport {
  breakdown: ({ key: string } & UsageTotals)[];
}

export interface UsageSeries {
  /** Bucket starts, epoch seconds (uPlot's x). */
  times: number[];
  requests: Series[];
  cost: Series[];
}

/**
 * Requests and cost per bucket and group, from one `GET /admin/analytics?from&to&groupBy` per bucket
 * (the ledger answers any range).
 * At most 8 groups are charted (the busiest); the rest are summed as "other".
 */
export async function loadUsage(range: Range, groupBy: GroupBy, now = Date.now()): Promise<UsageSeries> {
  const { bucketMs, buckets } = RANGES[range];
  const end = Math.ceil(now / bucketMs) * bucketMs;
  const starts = Array.from({ length: buckets }, (_, i) => end - (buckets - i) * bucketMs);
  const query = (path: string) =>
    Promise.all(
      starts.map((from) =>
        json<UsageReport>(`${path}?from=${from}&to=${from + bucketMs}&groupBy=${groupBy}`),
      ),
    );
  // Analytics answers every role (its own tenant for tenant admins and users); /admin/usage is the
  // admin-only endpoint of routers that predate it.
  const reports = await query("/admin/analytics").catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404) return query("/admin/usage");
    throw err;
  });
  const volume = new Map<string, number>();
  for (const r of reports)
    for (const b of r.breakdown) volume.set(b.key, (volume.get(b.key) ?? 0) + b.requests);
  const keys = [...volume.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const shown = keys.slice(0, 8);
  const rest = keys.length > 8;
  const series = (field: keyof UsageTotals): Series[] => {
    const out = shown.map((label) => ({
      label,
      values: reports.map((r) => r.breakdown.find((b) => b.key === label)?.[field] ?? 0),
    }));
    if (rest)
      out.push({
        label: "other",
        values: reports.map((r) =>
          r.breakdown.filter((b) => !shown.includes(b.key)).reduce((a, b) => a + b[field], 0),
        ),
      });
    return out;
  };
  return { times: starts.map((s) => s / 1000), requests: series("requests"), cost: series("costUsd") };
}
