import type { SavingsScenario } from "../scenario/schema.js";

/** USD per token of each target, as the fleet's prices define them. */
export interface PriceBook {
  /** Returns the USD of a request served by `target`, or undefined for an unknown target. */
  cost(target: string, promptTokens: number, completionTokens: number): number | undefined;
}

/**
 * Prices requests the way the router's cost engine does: clusters at cost per hour divided by
 * throughput (USD per token = costPerHour / (tokensPerSecond × 3600)), externals at their input
 * and output prices per 1M tokens.
 */
export function priceBook(s: SavingsScenario): PriceBook {
  const perToken = new Map(s.clusters.map((c) => [c.name, c.costPerHour / (c.tokensPerSecond * 3600)]));
  const externals = new Map(s.externals.map((e) => [e.name, e]));
  return {
    cost(target, p, c) {
      const cluster = perToken.get(target);
      if (cluster !== undefined) return (p + c) * cluster;
      const e = externals.get(target);
      if (e) return (p * e.inputPer1M + c * e.outputPer1M) / 1_000_000;
      return undefined;
    },
  };
}
