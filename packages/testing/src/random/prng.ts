/**
 * Seeded randomness for the fakes and the bench trace generators: runs with the same seed make the
 * same decisions (errors, token counts, latency draws) whatever the concurrency.
 */

/** A function returning uniform floats in [0, 1). */
export type Random = () => number;

/** mulberry32: tiny, fast, good enough statistical quality for load generation. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a 32-bit hash of a string; derives independent seeds from (seed, name, request id). */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join("\u0000")) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A standard normal draw (Box-Muller). */
export function normal(rand: Random): number {
  const u = Math.max(rand(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** z of the 95th percentile of a standard normal. */
const Z95 = 1.6448536269514722;

/** A lognormal distribution given by its median and 95th percentile (both > 0, p95 >= median). */
export interface LogNormal {
  median: number;
  p95: number;
}

/** Draws from a lognormal with the given median and p95: mu = ln(median), sigma = ln(p95/median)/z95. */
export function lognormal(rand: Random, d: LogNormal): number {
  const sigma = Math.log(d.p95 / d.median) / Z95;
  return d.median * Math.exp(sigma * normal(rand));
}

/** Uniform integer in [min, max]. */
export function intBetween(rand: Random, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}
