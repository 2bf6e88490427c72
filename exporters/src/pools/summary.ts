import type { PriceOverride } from "../config/schema.js";
import type { CapacityType, NodeInfo } from "../kubernetes/node-info.js";
import { nodePricePerHour } from "../pricing/node-price.js";

/** What the exporter publishes for one pool (JSON at `/v1/pools`, gauges at `/metrics`). */
export interface PoolSummary {
  pool: string;
  /** Nodes in the pool, ready or not (all of them are billed). */
  nodes: number;
  nodesByCapacityType: Record<CapacityType, number>;
  readyNodes: number;
  /** Nodes advertising at least one `nvidia.com/gpu`. */
  gpuNodes: number;
  instanceTypes: string[];
  /** Sum of node prices, USD/hour; 0 when the pool is at zero nodes. */
  costPerHour: number;
  /** Nodes whose type is in neither the price table nor a pool override (left out of costPerHour). */
  unpricedNodes: number;
  /** Throughput that prices tokens: completion tokens/s, or prompt + completion with tokenBasis total. */
  tokensPerSecond: number;
  completionTokensPerSecond: number;
  promptTokensPerSecond: number;
  /**
   * Throughput that priced the tokens: the replicas' capacity (`llm_runtime_capacity_tokens_per_second`,
   * summed) when they report it; else, for runtimes that predate it, the superseded fallback:
   * measured, or while idle the last busy rate, else the floor (`idleThroughput`/`idleThroughputFloor`).
   */
  pricedTokensPerSecond: number;
  /** Capacity tokens/s summed over the replicas; 0 when none reports one. */
  capacityTokensPerSecond: number;
  /** Tokens/s actually served (= tokensPerSecond), for symmetry with the router's /health. */
  servedTokensPerSecond: number;
  /**
   * Amortized USD per 1K tokens: cost_per_hour / (pricedTokensPerSecond * 3.6), stable when idle (the
   * router's clusterCostThreshold compares it; router/README.md § Cost model); 0 with no nodes.
   */
  costPer1kTokens: number;
  /** Served over priced throughput, 0..1: how much of the paid capacity does work. */
  utilization: number;
  /** USD/hour of node time doing nothing: cost_per_hour × (1 − utilization). */
  idleCostPerHour: number;
  /** Requests waiting across the pool's runtime replicas. */
  queueDepth: number;
  /** Runtime replicas that are Ready (pods) or answered their scrape (static URLs). */
  readyReplicas: number;
  /** True when the last node or pod lookup failed and older data is shown. */
  stale: boolean;
}

/** The measured side of a pool: runtime replicas and their throughput. */
export interface PoolThroughput {
  completionTokensPerSecond: number;
  promptTokensPerSecond: number;
  queueDepth: number;
  readyReplicas: number;
  /** Sum of the replicas' capacity gauges; undefined when none reports one. */
  capacityTokensPerSecond?: number;
}

export interface SummaryOptions {
  /** Tokens/s assumed when a pool with nodes is idle, so cost per 1K stays finite. */
  idleThroughputFloor: number;
  tokenBasis: "completion" | "total";
  price?: PriceOverride;
  /** Last throughput measured at or above the floor; prices an idle pool in `last-busy` mode. */
  lastBusyTokensPerSecond?: number;
}

const round = (n: number) => Math.round(n * 1e9) / 1e9;

/** Combines a pool's nodes, prices and throughput into its summary (pure; the collector feeds it). */
export function summarizePool(
  pool: string,
  nodes: NodeInfo[],
  throughput: PoolThroughput,
  opts: SummaryOptions,
  stale = false,
): PoolSummary {
  const nodesByCapacityType: Record<CapacityType, number> = { spot: 0, "on-demand": 0 };
  let costPerHour = 0;
  let unpricedNodes = 0;
  for (const node of nodes) {
    nodesByCapacityType[node.capacityType] += 1;
    const price = nodePricePerHour(node, opts.price);
    if (price === undefined) unpricedNodes += 1;
    else costPerHour += price;
  }
  const tokensPerSecond =
    opts.tokenBasis === "total"
      ? throughput.completionTokensPerSecond + throughput.promptTokensPerSecond
      : throughput.completionTokensPerSecond;
  const floor = opts.idleThroughputFloor;
  const capacity = throughput.capacityTokensPerSecond ?? 0;
  // Capacity counts generated tokens; with tokenBasis total the prompt tokens served ride on top.
  const capacityBasis =
    capacity > 0 && opts.tokenBasis === "total" ? capacity + throughput.promptTokensPerSecond : capacity;
  const priced =
    capacityBasis > 0
      ? Math.max(capacityBasis, tokensPerSecond)
      : tokensPerSecond >= floor
        ? tokensPerSecond
        : Math.max(opts.lastBusyTokensPerSecond ?? floor, floor);
  const tokensPerHour = priced * 3600;
  const utilization = Math.min(1, Math.max(0, tokensPerSecond / priced));
  return {
    pool,
    nodes: nodes.length,
    nodesByCapacityType,
    readyNodes: nodes.filter((n) => n.ready).length,
    gpuNodes: nodes.filter((n) => n.gpus > 0).length,
    instanceTypes: [...new Set(nodes.map((n) => n.instanceType))].sort(),
    costPerHour: round(costPerHour),
    unpricedNodes,
    tokensPerSecond: round(tokensPerSecond),
    completionTokensPerSecond: round(throughput.completionTokensPerSecond),
    promptTokensPerSecond: round(throughput.promptTokensPerSecond),
    pricedTokensPerSecond: round(priced),
    capacityTokensPerSecond: round(capacity),
    servedTokensPerSecond: round(tokensPerSecond),
    costPer1kTokens: round(costPerHour / (tokensPerHour / 1000)),
    utilization: round(utilization),
    idleCostPerHour: round(costPerHour * (1 - utilization)),
    queueDepth: throughput.queueDepth,
    readyReplicas: throughput.readyReplicas,
    stale,
  };
}
