import type { FakeCluster } from "../scenario/schema.js";

/** One pool's economics against the all-external reference: a row of savings.json `breakEven.pools`. */
export interface PoolEconomics {
  name: string;
  scaleToZero: boolean;
  costPerHour: number;
  /** Tokens (prompt + completion) a day the pool serves when busy all day: tokens/s × 86400. */
  capacityTokensPerDay: number;
  /** USD a day the pool costs whatever it serves: 24 node-hours always on; its wake-ups when scaling to zero. */
  fixedUsdPerDay: number;
  /** USD per token on top: 0 always on (paid anyway); busy node time, $/h ÷ capacity tokens/h, when scaling to zero. */
  variableUsdPerToken: number;
  /** fixed ÷ (reference − variable): tokens/day above which the pool costs less than sending them external. */
  breakEvenTokensPerDay: number | null;
  /** Why there is no break-even, when there is none. */
  note: string;
}

/** One point of the saving curve. */
export interface CurvePoint {
  tokensPerDay: number;
  /** All of it at the all-external reference price. */
  allExternalUsdPerDay: number;
  /** Pools (fixed + variable) plus the overflow at the reference price. */
  fleetUsdPerDay: number;
  /** 1 − fleet / all-external. */
  saving: number;
}

/**
 * Break-even of each pool at daily volume V tokens: it displaces V × reference USD of external
 * spend and costs fixed + V × variable, so it pays off above V* = fixed / (reference − variable),
 * provided V* fits its capacity. A scale-to-zero pool's fixed cost is `wakesPerDay` wake-ups, each
 * its warm-up plus its idle cool-down window at its node price.
 */
export function poolEconomics(
  clusters: readonly FakeCluster[],
  referenceUsdPerToken: number,
  wakesPerDay: number,
): PoolEconomics[] {
  return clusters.map((c) => {
    const capacityTokensPerDay = c.tokensPerSecond * 86_400;
    const fixedUsdPerDay = c.scaleToZero
      ? (wakesPerDay * c.costPerHour * (c.coldStartMinutes + c.scaleDownAfterMinutes)) / 60
      : c.costPerHour * 24;
    const variableUsdPerToken = c.scaleToZero ? c.costPerHour / (c.tokensPerSecond * 3600) : 0;
    const margin = referenceUsdPerToken - variableUsdPerToken;
    let breakEvenTokensPerDay: number | null = null;
    let note = "";
    if (margin <= 0) note = "its $/token at capacity is at or above the external reference: never";
    else {
      const v = fixedUsdPerDay / margin;
      if (v > capacityTokensPerDay) note = "break-even is above its capacity: never at this price";
      else breakEvenTokensPerDay = v;
    }
    return {
      name: c.name,
      scaleToZero: c.scaleToZero,
      costPerHour: c.costPerHour,
      capacityTokensPerDay,
      fixedUsdPerDay,
      variableUsdPerToken,
      breakEvenTokensPerDay,
      note,
    };
  });
}

/**
 * Fleet cost a day at `tokensPerDay`: always-on pools are paid whatever the volume; traffic fills
 * the pools cheapest-per-token first up to capacity; a scale-to-zero pool is woken only when its
 * share pays for its wake-ups (else it stays at zero and costs nothing); the rest goes external.
 */
export function fleetUsdPerDay(
  pools: readonly PoolEconomics[],
  referenceUsdPerToken: number,
  tokensPerDay: number,
): number {
  let left = tokensPerDay;
  let usd = 0;
  for (const p of [...pools].sort((a, b) => a.variableUsdPerToken - b.variableUsdPerToken)) {
    const share = Math.min(left, p.capacityTokensPerDay);
    const useIt = p.variableUsdPerToken < referenceUsdPerToken;
    if (!p.scaleToZero) {
      usd += p.fixedUsdPerDay + (useIt ? share * p.variableUsdPerToken : 0);
      if (useIt) left -= share;
    } else if (useIt && p.fixedUsdPerDay + share * p.variableUsdPerToken < share * referenceUsdPerToken) {
      usd += p.fixedUsdPerDay + share * p.variableUsdPerToken;
      left -= share;
    }
  }
  return usd + left * referenceUsdPerToken;
}

/** Daily volumes 1, 2, 5 × 10^k from `from` to `to` (inclusive), plus `extra` points, sorted. */
export function volumeGrid(from: number, to: number, extra: readonly number[] = []): number[] {
  const out = new Set<number>();
  for (let e = Math.floor(Math.log10(from)); 10 ** e <= to; e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= from && v <= to) out.add(v);
    }
  }
  for (const v of extra) if (v > 0) out.add(Math.round(v));
  return [...out].sort((a, b) => a - b);
}

/** The saving curve over `volumes`. */
export function savingCurve(
  pools: readonly PoolEconomics[],
  referenceUsdPerToken: number,
  volumes: readonly number[],
): CurvePoint[] {
  return volumes.map((v) => {
    const allExternalUsdPerDay = v * referenceUsdPerToken;
    const fleet = fleetUsdPerDay(pools, referenceUsdPerToken, v);
    return {
      tokensPerDay: v,
      allExternalUsdPerDay,
      fleetUsdPerDay: fleet,
      saving: allExternalUsdPerDay > 0 ? 1 - fleet / allExternalUsdPerDay : 0,
    };
  });
}

/**
 * Lowest daily volume at which the whole fleet (always-on pools paid whatever the volume) costs no
 * more than all-external, up to `maxTokensPerDay`: a log scan, then bisection in the crossing
 * step. Null when it never does.
 */
export function fleetBreakEven(
  pools: readonly PoolEconomics[],
  referenceUsdPerToken: number,
  maxTokensPerDay: number,
): number | null {
  const pays = (v: number) => fleetUsdPerDay(pools, referenceUsdPerToken, v) <= v * referenceUsdPerToken;
  let prev = 1;
  if (pays(prev)) return prev;
  const steps = 400;
  for (let i = 1; i <= steps; i++) {
    const v = maxTokensPerDay ** (i / steps);
    if (pays(v)) {
      let lo = prev;
      let hi = v;
      for (let k = 0; k < 60; k++) {
        const mid = (lo + hi) / 2;
        if (pays(mid)) hi = mid;
        else lo = mid;
      }
      return hi;
    }
    prev = v;
  }
  return null;
}
