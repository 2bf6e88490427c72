import type { Weights } from "../config/schema.js";
import type { TargetSummary } from "./aggregate.js";

/** Component scores in 0..1 (null: not measurable, left out) and the weighted total in 0..100. */
export interface Score {
  latency: number | null;
  cost: number | null;
  reliability: number;
  throughput: number | null;
  total: number;
  /**
   * `unpriced` when the target has no price: its total leaves cost out, so it is not comparable on
   * cost and {@link rankTargets} ranks it neither cheapest nor best while priced targets exist.
   */
  note?: "unpriced";
}

/** Who comes first in a run: summary.json `ranking`. */
export interface Ranking {
  /** Lowest $/1K among priced targets that served something; null when none is priced. */
  cheapest: string | null;
  /** Highest total among priced targets (among all when none is priced). */
  bestScore: string | null;
  /** Targets left out of both rankings because they have no price. */
  unpriced: string[];
}

/** Ranks scored targets; an unpriced target is never the cheapest. */
export function rankTargets(targets: readonly (TargetSummary & { score: Score })[]): Ranking {
  const priced = targets.filter((t) => t.costUsd !== null && t.score.note !== "unpriced");
  const cheapest = [...priced]
    .filter((t) => t.successes > 0)
    .sort((a, b) => (a.costPer1kTokens ?? 0) - (b.costPer1kTokens ?? 0))[0];
  const pool = priced.length ? priced : targets;
  const best = [...pool].sort((a, b) => b.score.total - a.score.total)[0];
  return {
    cheapest: cheapest?.target ?? null,
    bestScore: best?.target ?? null,
    unpriced: targets.filter((t) => !priced.includes(t)).map((t) => t.target),
  };
}

/** Lower-is-better ratio to the best target: best/x; 1 for the best; 0 when best is 0 but x is not. */
function lowerBetter(x: number | null, best: number | null): number {
  if (x === null || best === null) return 0;
  if (x === best) return 1;
  return best > 0 ? best / x : 0;
}

function minOf(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? Math.min(...v) : null;
}
function maxOf(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? Math.max(...v) : null;
}

/**
 * Composite 0-100 score per target, normalised across the targets of one run:
 *
 * - latency     = min(p95 latency) / p95 latency          (1 for the fastest; 0 if nothing succeeded)
 * - cost        = min($/1K) / $/1K                        (1 for the cheapest; unpriced: left out)
 * - reliability = success rate                            (absolute, not relative: 0.9 is 0.9)
 * - throughput  = median tokens/s / max(median tokens/s)  (1 for the fastest decoder)
 *
 * total = 100 * sum(w_i * s_i) / sum(w_i) over the components that apply to the target, so an
 * unpriced target is scored on the remaining weights rather than punished or rewarded.
 * Ratios to the best (not min-max) keep a 5% difference a 5% difference.
 */
export function scoreTargets(summaries: readonly TargetSummary[], weights: Weights): Score[] {
  const bestP95 = minOf(summaries.map((s) => s.latencyMs.p95));
  const bestCost = minOf(summaries.map((s) => s.costPer1kTokens));
  const bestTps = maxOf(summaries.map((s) => s.tokensPerSecond.median));
  return summaries.map((s) => {
    const latency = s.successes ? lowerBetter(s.latencyMs.p95, bestP95) : 0;
    const cost =
      s.costPer1kTokens === null ? null : s.successes ? lowerBetter(s.costPer1kTokens, bestCost) : 0;
    const reliability = s.successRate;
    const tps = s.tokensPerSecond.median;
    const throughput = tps !== null && bestTps ? tps / bestTps : 0;
    const parts: [number, number | null][] = [
      [weights.latency, latency],
      [weights.cost, cost],
      [weights.reliability, reliability],
      [weights.throughput, throughput],
    ];
    const used = parts.filter(([, v]) => v !== null) as [number, number][];
    const wsum = used.reduce((a, [w]) => a + w, 0);
    const total = wsum > 0 ? (100 * used.reduce((a, [w, v]) => a + w * v, 0)) / wsum : 0;
    const score: Score = { latency, cost, reliability, throughput, total: Math.round(total * 10) / 10 };
    if (s.costUsd === null) score.note = "unpriced";
    return score;
  });
}
