import { round } from "../../stats/distribution.js";
import type { TargetSummary } from "../analysis/aggregate.js";
import type { Ranking, Score } from "../analysis/score.js";
import type { Weights } from "../config/schema.js";

/** summary.json: run parameters and per-target aggregates with scores. */
export interface CompareSummary {
  run: {
    startedAt: string;
    seed: number;
    requests: number;
    concurrency: number;
    maxTokens: number;
    weights: Weights;
  };
  targets: (TargetSummary & { score: Score })[];
  /** Cheapest and best-scored targets; unpriced targets are ranked in neither. */
  ranking: Ranking;
}

/** Rounds every number of a summary for output (ms to 0.001, $ to 1e-9). */
export function roundSummary(s: CompareSummary): CompareSummary {
  const dist = (d: TargetSummary["latencyMs"]) => ({
    p50: round(d.p50),
    p95: round(d.p95),
    p99: round(d.p99),
    mean: round(d.mean),
  });
  return {
    run: s.run,
    ranking: s.ranking,
    targets: s.targets.map((t) => ({
      ...t,
      successRate: round(t.successRate, 6)!,
      latencyMs: dist(t.latencyMs),
      ttftMs: dist(t.ttftMs),
      tokensPerSecond: {
        median: round(t.tokensPerSecond.median),
        aggregate: round(t.tokensPerSecond.aggregate),
      },
      costUsd: round(t.costUsd, 9),
      costPer1kTokens: round(t.costPer1kTokens, 9),
      wallMs: round(t.wallMs)!,
      score: {
        latency: round(t.score.latency, 4),
        cost: round(t.score.cost, 4),
        reliability: round(t.score.reliability, 4)!,
        throughput: round(t.score.throughput, 4),
        total: t.score.total,
        ...(t.score.note ? { note: t.score.note } : {}),
      },
    })),
  };
}
