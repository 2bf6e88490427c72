/**
 * The cluster cost model (router/README.md § Cost model). A pool's node-hours are paid whether
 * or not it serves, so its price per token is the node price spread over what it can produce
 * when busy (capacity), not over the traffic it happened to serve: the latter makes an idle,
 * already-paid-for pool look expensive, and the less it is used the dearer it looks.
 */

/** Live facts about a cluster that its price per token derives from. */
export interface ClusterCostInputs {
  /** USD per 1K tokens published by the cluster's exporter (amortized at capacity), when it has one. */
  exporterCostPer1K?: number;
  /** USD per node-hour from config. */
  costPerHour: number;
  /** Capacity throughput (tokens/s at the runtime's slot count), when the runtime has measured it. */
  capacityTokensPerSecond?: number;
  /** Prior until a capacity has been measured: catalog/instance figure or `router.assumedTokensPerSecond`. */
  assumedTokensPerSecond: number;
}

/** Capacity to price with: the measured one when positive, else the prior. */
export function capacityOf(
  i: Pick<ClusterCostInputs, "capacityTokensPerSecond" | "assumedTokensPerSecond">,
): number {
  const c = i.capacityTokensPerSecond;
  return c !== undefined && Number.isFinite(c) && c > 0 ? c : i.assumedTokensPerSecond;
}

/**
 * Amortized USD per 1K tokens: node $/h ÷ capacity tokens/h (× 1000). What `clusterCostThreshold`
 * and the hybrid/cost strategies compare, and what every bill (x-router-cost-usd, ledger, budgets,
 * llm_router_cost_usd_total) uses, so cluster use is never free to a tenant. Stable when idle.
 * The exporter's figure wins when present: it sees every node and pod of the pool.
 */
export function clusterCostPer1K(i: ClusterCostInputs): number {
  if (i.exporterCostPer1K !== undefined && Number.isFinite(i.exporterCostPer1K)) return i.exporterCostPer1K;
  return amortizedCostPer1K(i.costPerHour, capacityOf(i));
}

/** USD per 1K tokens of `costPerHour` spread over `tokensPerSecond` (Infinity at no throughput). */
export function amortizedCostPer1K(costPerHour: number, tokensPerSecond: number): number {
  if (costPerHour === 0) return 0;
  if (!(tokensPerSecond > 0)) return Number.POSITIVE_INFINITY;
  return costPerHour / ((tokensPerSecond * 3600) / 1000);
}

/** What decides whether one more request costs a pool anything beyond what is paid anyway. */
export interface MarginalInputs {
  /** Amortized USD per 1K tokens (clusterCostPer1K). */
  amortizedPer1K: number;
  /** A scale-to-zero pool: serving keeps it warm longer, so each request extends paid node time. */
  scaleToZero: boolean;
  /** Requests waiting for a free sequence (runtime /health or /metrics); undefined before a poll. */
  queueDepth?: number;
}

/**
 * Marginal USD per 1K tokens: ~$0 for an always-on pool with a free slot (its node-hours are paid
 * either way), the amortized figure once it is saturated (requests queue: more work there means
 * more node time) or when the pool scales to zero (serving keeps its nodes up). Ranking uses this.
 */
export function marginalCostPer1K(i: MarginalInputs): number {
  if (i.scaleToZero) return i.amortizedPer1K;
  return (i.queueDepth ?? 0) > 0 ? i.amortizedPer1K : 0;
}
