import type { RoutingStrategyName } from "../config/schema.js";
import type { Target } from "../targets/target.js";

/** A target that can serve the request, with what it would cost. */
export interface Candidate {
  target: Target;
  upstreamModel: string;
  /** Estimated USD for this request. */
  costUsd: number;
  /** USD per 1K tokens used for threshold decisions (clusters: amortized at capacity). */
  costPer1K: number;
  /**
   * USD per 1K tokens this request adds (0 on an always-on cluster with a free slot): orders the
   * clusters a strategy prefers, so a paid-for idle pool goes first until it is saturated.
   */
  marginalPer1K: number;
  /** Why the strategy put it where it is (`x-router-reason`). */
  reason: string;
}

export interface StrategyContext {
  clusterCostThreshold: number;
}

const byCost = (a: Candidate, b: Candidate) =>
  a.costUsd - b.costUsd ||
  (a.target.live.queueDepth ?? 0) - (b.target.live.queueDepth ?? 0) ||
  a.target.inFlight - b.target.inFlight;

/** Clusters among themselves: what one more request adds first, then the amortized cost. */
const byMarginal = (a: Candidate, b: Candidate) => a.marginalPer1K - b.marginalPer1K || byCost(a, b);

/** Latency used for ranking: EWMA when measured; unmeasured targets rank first so they get measured. */
const latencyOf = (c: Candidate) => c.target.latency.ewma ?? 0;

const tag = (list: Candidate[], reason: string) => list.map((c) => ({ ...c, reason }));

/**
 * Orders candidates for one strategy. Input candidates are all capable of the request; health,
 * overload and retry limits are applied by the planner around this.
 */
export function rankCandidates(
  strategy: RoutingStrategyName,
  candidates: readonly Candidate[],
  ctx: StrategyContext,
): Candidate[] {
  const clusters = candidates.filter((c) => c.target.kind === "cluster").sort(byCost);
  const externals = candidates.filter((c) => c.target.kind === "external").sort(byCost);
  switch (strategy) {
    case "hybrid": {
      // The threshold compares the amortized $/1K (stable when idle); among the clusters under it,
      // the marginal cost orders them, so an always-on pool with a free slot comes first.
      const cheap = clusters.filter((c) => c.costPer1K <= ctx.clusterCostThreshold).sort(byMarginal);
      const dear = clusters.filter((c) => c.costPer1K > ctx.clusterCostThreshold);
      const externalReason =
        cheap.length > 0 ? "fallback" : clusters.length > 0 ? "cluster_over_threshold" : "no_capable_cluster";
      // A cluster over the threshold that serves because no external can: say that, not the threshold.
      return [
        ...tag(cheap, "cluster_under_threshold"),
        ...tag(externals, externalReason),
        ...tag(dear, externals.length > 0 ? "fallback" : "no_capable_external"),
      ];
    }
    case "cost":
      return tag([...candidates].sort(byCost), "lowest_cost");
    case "latency":
      return tag(
        [...candidates].sort((a, b) => latencyOf(a) - latencyOf(b) || byCost(a, b)),
        "lowest_latency",
      );
    case "cluster_first":
      return [
        ...tag([...clusters].sort(byMarginal), "cluster_first"),
        ...tag(externals, clusters.length ? "fallback" : "no_capable_cluster"),
      ];
    case "external_first":
      return [
        ...tag(externals, "external_first"),
        ...tag(clusters, externals.length ? "fallback" : "no_capable_external"),
      ];
  }
}
