import { addRecord, addTotals, emptyTotals, type UsageTotals } from "./totals.js";
import type { UsageRecord } from "./types.js";

/**
 * Upper bounds (ms) of the roll-ups' latency buckets: the router's
 * `llm_router_request_duration_seconds` buckets (metrics/metrics.ts) in ms, plus +Inf, so a
 * roll-up's percentiles and the Prometheus histogram read the same edges.
 */
export const ROLLUP_LATENCY_BOUNDS_MS = [
  5,
  10,
  25,
  50,
  100,
  250,
  500,
  1000,
  2500,
  5000,
  10_000,
  30_000,
  60_000,
  120_000,
  Number.POSITIVE_INFINITY,
] as const;

/**
 * One hourly aggregate for one (tenant, target, model): `/admin/usage`'s totals plus what the
 * analytics report needs. Every field is additive (sums and bucket counts), so replicas add to the
 * same Redis hash with HINCRBY and merging roll-ups is a sum; a field missing from an older
 * roll-up reads 0.
 */
export interface UsageRollup extends UsageTotals {
  /** Response-cache hits (`hit` or `semantic-hit`). */
  cacheHits: number;
  /** Sum of the records' savedUsd (absent counts 0). */
  savedUsd: number;
  cacheReadTokens: number;
  /** Request counts per latency bucket, index i for (bounds[i-1], bounds[i]] ms. */
  latencyBuckets: number[];
}

export const emptyRollup = (): UsageRollup => ({
  ...emptyTotals(),
  cacheHits: 0,
  savedUsd: 0,
  cacheReadTokens: 0,
  latencyBuckets: ROLLUP_LATENCY_BOUNDS_MS.map(() => 0),
});

/** Index of the bucket a latency falls in (upper bounds inclusive, as Prometheus' `le`). */
export function latencyBucket(ms: number): number {
  const i = ROLLUP_LATENCY_BOUNDS_MS.findIndex((b) => ms <= b);
  return i < 0 ? ROLLUP_LATENCY_BOUNDS_MS.length - 1 : i;
}

export const isCacheHit = (r: UsageRecord): boolean =>
  r.cacheResult === "hit" || r.cacheResult === "semantic-hit";

export function addRecordToRollup(t: UsageRollup, r: UsageRecord): void {
  addRecord(t, r);
  if (isCacheHit(r)) t.cacheHits += 1;
  t.savedUsd += r.savedUsd ?? 0;
  t.cacheReadTokens += r.cacheReadTokens ?? 0;
  t.latencyBuckets[latencyBucket(r.latencyMs)]! += 1;
}

export function addRollup(t: UsageRollup, o: UsageRollup): void {
  addTotals(t, o);
  t.cacheHits += o.cacheHits;
  t.savedUsd += o.savedUsd;
  t.cacheReadTokens += o.cacheReadTokens;
  o.latencyBuckets.forEach((c, i) => {
    t.latencyBuckets[i] = (t.latencyBuckets[i] ?? 0) + c;
  });
}

/** Redis hash field suffix of latency bucket i (`lb0`, `lb1`, ...). */
export const bucketField = (i: number): string => `lb${i}`;

const NUMERIC = new Set([
  "requests",
  "errors",
  "promptTokens",
  "completionTokens",
  "costUsd",
  "latencyMs",
  "cacheHits",
  "savedUsd",
  "cacheReadTokens",
]);

/** Sets one field read back from a Redis roll-up hash; unknown names (a newer replica's) are skipped. */
export function setRollupField(t: UsageRollup, name: string, value: string): void {
  const n = Number(value);
  if (!Number.isFinite(n)) return;
  const bucket = /^lb(\d+)$/.exec(name);
  if (bucket) {
    const i = Number(bucket[1]);
    if (i < t.latencyBuckets.length) t.latencyBuckets[i] = n;
  } else if (NUMERIC.has(name)) (t as unknown as Record<string, number>)[name] = n;
}

/**
 * The q-quantile (0..1) of a bucketed latency distribution: the bucket holding rank q*count, then
 * linear interpolation between its bounds (as Prometheus' histogram_quantile); the lower bound when
 * it is the +Inf bucket. null without requests. An estimate: its error is at most the bucket's width.
 */
export function rollupQuantile(buckets: readonly number[], q: number): number | null {
  const total = buckets.reduce((s, c) => s + c, 0);
  if (total <= 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    const c = buckets[i] ?? 0;
    if (c > 0 && seen + c >= rank) {
      const lower = i === 0 ? 0 : ROLLUP_LATENCY_BOUNDS_MS[i - 1]!;
      const upper = ROLLUP_LATENCY_BOUNDS_MS[i]!;
      if (!Number.isFinite(upper)) return lower;
      return lower + (upper - lower) * ((rank - seen) / c);
    }
    seen += c;
  }
  return null;
}
