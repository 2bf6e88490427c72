import { type ExternalPrice, referenceCostUsd } from "@llm/contracts";
import { percentile } from "../../stats/distribution.js";
import type { PoolHistory } from "../fleet/autoscaler.js";
import type { ReplayRecord } from "../replay/replay.js";
import type { FakeCluster } from "../scenario/schema.js";
import type { PriceBook } from "./cost.js";
import { type PoolBill, poolBills } from "./node-hours.js";

/** One replay's figures: a row of savings.json `runs`. */
export interface RunSummary {
  /** `hybrid`, `cost`..., `baseline` or `hybrid+failure`. */
  run: string;
  strategy: string;
  /** What this run tests, in words. */
  description: string;
  requests: number;
  succeeded: number;
  failed: number;
  /** Requests served per target. */
  servedBy: Record<string, number>;
  /**
   * Token-attributed USD of successful requests (clusters at $/h over throughput, as if always
   * busy). Not what the run cost: see `totalCostUsd`.
   */
  costUsd: number;
  /** Simulated hours the run spans (the trace's day, longer if the replay overran it). */
  simulatedHours: number;
  /** Node-hours and their USD per pool over the whole simulated duration (empty without clusters). */
  pools: PoolBill[];
  /** Sum of `pools[].costUsd`. */
  nodeCostUsd: number;
  /** USD of the successful requests external providers served, at their prices. */
  externalCostUsd: number;
  /** What the run cost: nodeCostUsd + externalCostUsd. */
  totalCostUsd: number;
  /** The same successful requests at the all-external reference price. */
  referenceCostUsd: number;
  /** 1 − totalCostUsd / referenceCostUsd: negative when the clusters cost more than they displace. */
  totalSavingsVsReference: number | null;
  promptTokens: number;
  completionTokens: number;
  /** costUsd / total tokens × 1000. */
  costPer1kTokens: number | null;
  /** Real ms of successful requests. */
  latencyMs: { p50: number | null; p95: number | null };
  /** Requests whose response said `failover`. */
  failovers: number;
  /** Requests routed elsewhere because a better-ranked pool was cold (`cold_target_bypassed:*`). */
  coldBypassed: number;
  /** Fraction of requests sent while at least one scale-to-zero pool was cold. */
  gpuColdAtArrival: number;
  /** Wake-ups of scale-to-zero pools. */
  coldStarts: number;
  /** Fraction of the simulated day the scale-to-zero pools were warm (mean over pools). */
  gpuWarmFraction: number;
  /** What keeping the scale-to-zero pools warm for that long cost (simulated node-hours × price). */
  gpuWarmCostUsd: number;
  /** The router's own estimate (sum of `llm_router_cost_usd_total`), for cross-checking. */
  routerReportedCostUsd: number | null;
  /** Token-attributed only: 1 − costUsd / baseline costUsd (null for the baseline itself). */
  savingsVsBaseline: number | null;
}

/** Summarises one replay. */
export function summariseRun(input: {
  run: string;
  strategy: string;
  description: string;
  records: readonly ReplayRecord[];
  prices: PriceBook;
  pools: readonly PoolHistory[];
  /** The clusters this run had behind the router (none for the all-external baseline). */
  clusters: readonly FakeCluster[];
  /** External prices, for the all-external reference. */
  externals: readonly ExternalPrice[];
  realDurationMs: number;
  simulatedHours: number;
  routerReportedCostUsd: number | null;
}): RunSummary {
  const ok = input.records.filter((r) => r.ok);
  const servedBy: Record<string, number> = {};
  const external = new Set(input.externals.map((e) => e.name));
  let costUsd = 0;
  let externalCostUsd = 0;
  let referenceUsd = 0;
  for (const r of ok) {
    servedBy[r.target] = (servedBy[r.target] ?? 0) + 1;
    const usd = input.prices.cost(r.target, r.promptTokens, r.completionTokens) ?? 0;
    costUsd += usd;
    if (external.has(r.target)) externalCostUsd += usd;
    referenceUsd += referenceCostUsd(input.externals, r.promptTokens, r.completionTokens);
  }
  const pools = poolBills({
    clusters: input.clusters,
    history: input.pools,
    simulatedHours: input.simulatedHours,
    realDurationMs: input.realDurationMs,
  });
  const nodeCostUsd = pools.reduce((n, p) => n + p.costUsd, 0);
  const totalCostUsd = nodeCostUsd + externalCostUsd;
  const promptTokens = ok.reduce((n, r) => n + r.promptTokens, 0);
  const completionTokens = ok.reduce((n, r) => n + r.completionTokens, 0);
  const tokens = promptTokens + completionTokens;
  const hoursPerMs = input.simulatedHours / Math.max(1, input.realDurationMs);
  const warmFractions = input.pools.map((p) => Math.min(1, p.warmMs / Math.max(1, input.realDurationMs)));
  return {
    run: input.run,
    strategy: input.strategy,
    description: input.description,
    requests: input.records.length,
    succeeded: ok.length,
    failed: input.records.length - ok.length,
    servedBy,
    costUsd,
    simulatedHours: input.simulatedHours,
    pools,
    nodeCostUsd,
    externalCostUsd,
    totalCostUsd,
    referenceCostUsd: referenceUsd,
    totalSavingsVsReference: referenceUsd > 0 ? 1 - totalCostUsd / referenceUsd : null,
    promptTokens,
    completionTokens,
    costPer1kTokens: tokens > 0 ? (costUsd / tokens) * 1000 : null,
    latencyMs: {
      p50: percentile(
        ok.map((r) => r.latencyMs),
        0.5,
      ),
      p95: percentile(
        ok.map((r) => r.latencyMs),
        0.95,
      ),
    },
    failovers: input.records.filter((r) => r.reason === "failover").length,
    coldBypassed: input.records.filter((r) => r.reason.startsWith("cold_target_bypassed")).length,
    gpuColdAtArrival: input.records.length
      ? input.records.filter((r) => r.coldPools.length > 0).length / input.records.length
      : 0,
    coldStarts: input.pools.reduce((n, p) => n + p.coldStarts, 0),
    gpuWarmFraction: warmFractions.length
      ? warmFractions.reduce((a, b) => a + b, 0) / warmFractions.length
      : 0,
    gpuWarmCostUsd: input.pools.reduce((n, p) => n + p.warmMs * hoursPerMs * p.costPerHour, 0),
    routerReportedCostUsd: input.routerReportedCostUsd,
    savingsVsBaseline: null,
  };
}
