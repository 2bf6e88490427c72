/**
 * The one set of summary statistics every bench reports with (compare, savings, runtime, router), so
 * their p50/p95/p99 figures are computed the same way and can be compared.
 */
/**
 * Percentile with linear interpolation between closest ranks (numpy's default, "type 7"):
 * position = (n - 1) * q over the sorted values. Returns null for an empty sample.
 */
export function percentile(values: readonly number[], q: number): number | null {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const pos = (xs.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return xs[lo]! + (xs[hi]! - xs[lo]!) * (pos - lo);
}

/** Median (the 0.5 percentile above); NaN for an empty sample, for figures that are always numbers. */
export function median(values: readonly number[]): number {
  return percentile(values, 0.5) ?? Number.NaN;
}

/** Arithmetic mean of the finite values, null when there are none. */
export function mean(values: readonly number[]): number | null {
  const xs = values.filter((v) => Number.isFinite(v));
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/** p50/p95/p99 and mean of a sample. */
export interface Distribution {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  mean: number | null;
}

export function distribution(values: readonly number[]): Distribution {
  return {
    p50: percentile(values, 0.5),
    p95: percentile(values, 0.95),
    p99: percentile(values, 0.99),
    mean: mean(values),
  };
}

/** Rounds for JSON output so files diff cleanly; null stays null. */
export function round(v: number | null, digits = 3): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
