/**
 * The statistics of the experiment report (GET /admin/experiments/{name}): two-sided 95%
 * intervals on the difference between an arm and the control arm.
 *
 * - Error rate: Newcombe's hybrid score interval for a difference of proportions (Newcombe 1998,
 *   "method 10"), built from each arm's Wilson score interval; it behaves at 0 errors and small
 *   counts, where the Wald interval collapses to zero width.
 * - Mean latency: Welch's t interval (unequal variances, Welch-Satterthwaite degrees of freedom),
 *   from each arm's count, sum and sum of squares, so replicas' counters simply add up.
 */

const Z95 = 1.959963984540054;

/** Wilson score interval of k successes in n trials. */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  if (n <= 0) return [0, 1];
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** p1 - p2 with Newcombe's hybrid score interval. */
export function newcombeDifference(k1: number, n1: number, k2: number, n2: number): Interval | undefined {
  if (n1 <= 0 || n2 <= 0) return undefined;
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const [l1, u1] = wilson(k1, n1);
  const [l2, u2] = wilson(k2, n2);
  const d = p1 - p2;
  return {
    estimate: d,
    low: d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
    high: d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
  };
}

/** Upper 97.5% quantile of Student's t with `df` degrees of freedom (Cornish-Fisher expansion; exact enough for df >= 3). */
export function t975(df: number): number {
  if (!Number.isFinite(df) || df > 1e6) return Z95;
  const z = Z95;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * df) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
  );
}

/** What the counters hold for one arm's latencies. */
export interface Moments {
  n: number;
  sum: number;
  sumSq: number;
}

const variance = (m: Moments) => (m.n > 1 ? Math.max(0, (m.sumSq - (m.sum * m.sum) / m.n) / (m.n - 1)) : 0);

/** mean(a) - mean(b) with Welch's t interval; undefined with fewer than 2 samples on a side. */
export function welchDifference(a: Moments, b: Moments): Interval | undefined {
  if (a.n < 2 || b.n < 2) return undefined;
  const va = variance(a) / a.n;
  const vb = variance(b) / b.n;
  const d = a.sum / a.n - b.sum / b.n;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { estimate: d, low: d, high: d };
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const half = t975(df) * se;
  return { estimate: d, low: d - half, high: d + half };
}

/**
 * The q-quantile (0..1) of values counted in buckets with these upper bounds (the last may be
 * Infinity), interpolated linearly inside the bucket it falls in, as Prometheus'
 * histogram_quantile does; undefined without values.
 */
export function bucketQuantile(
  bounds: readonly number[],
  counts: readonly number[],
  q: number,
): number | undefined {
  const total = counts.reduce((s, c) => s + c, 0);
  if (total <= 0) return undefined;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < bounds.length; i++) {
    const c = counts[i] ?? 0;
    if (seen + c >= rank && c > 0) {
      const lower = i === 0 ? 0 : (bounds[i - 1] as number);
      const upper = bounds[i] as number;
      if (!Number.isFinite(upper)) return lower;
      return lower + (upper - lower) * ((rank - seen) / c);
    }
    seen += c;
  }
  return bounds.at(-2);
}
