/** Live facts about a cluster that its price per token derives from. */
export interface ClusterCostInputs {
  /** USD per 1K tokens published by the cluster's exporter, when it has one. */
  exporterCostPer1K?: number;
  /** USD per node-hour from config. */
  costPerHour: number;
  /** Decode throughput measured from the runtime's /metrics (tokens/s), when known and non-zero. */
  tokensPerSecond?: number;
  /** Used until a throughput has been measured. */
  assumedTokensPerSecond: number;
}

/**
 * USD per 1K tokens of a cluster target: the exporter's figure when present (it sees all nodes
 * and pods), else cost per hour divided by thousands of tokens per hour at the measured rate.
 */
export function clusterCostPer1K(i: ClusterCostInputs): number {
  if (i.exporterCostPer1K !== undefined && Number.isFinite(i.exporterCostPer1K)) return i.exporterCostPer1K;
  const tps = i.tokensPerSecond && i.tokensPerSecond > 0 ? i.tokensPerSecond : i.assumedTokensPerSecond;
  return i.costPerHour / ((tps * 3600) / 1000);
}
