import { Counter, Gauge, Registry } from "prom-client";
import type { ErrorSource } from "../pools/collector.js";
import type { PoolSummary } from "../pools/summary.js";

/**
 * The exporter's own Prometheus registry (never the global one, so tests and embedders can run several).
 * Values are set after each refresh; `/metrics` only serializes them.
 */
export class ExporterMetrics {
  readonly registry = new Registry();
  private readonly costPerHour = this.gauge("llm_cluster_cost_per_hour", "USD per hour of the pool's nodes");
  private readonly tokensPerSecond = this.gauge(
    "llm_cluster_tokens_per_second",
    "Measured throughput of the pool's runtimes (tokens/s, per tokenBasis)",
  );
  private readonly pricedTokensPerSecond = this.gauge(
    "llm_cluster_priced_tokens_per_second",
    "Throughput that prices tokens: the replicas' capacity; for runtimes without the capacity gauge, measured, or while idle the last busy throughput (else the idle floor)",
  );
  private readonly capacityTokensPerSecond = this.gauge(
    "llm_cluster_capacity_tokens_per_second",
    "Tokens/s the pool produces when busy: llm_runtime_capacity_tokens_per_second summed over its replicas",
  );
  private readonly costPer1k = this.gauge(
    "llm_cluster_cost_per_1k_tokens",
    "USD per 1000 tokens amortized at capacity: cost_per_hour / (priced_tokens_per_second * 3.6); 0 at zero nodes",
  );
  private readonly utilization = this.gauge(
    "llm_cluster_utilization",
    "Served over priced throughput (0..1): the share of the paid capacity doing work",
  );
  private readonly idleCostPerHour = this.gauge(
    "llm_cluster_idle_cost_per_hour",
    "USD per hour of node time doing nothing: cost_per_hour * (1 - utilization)",
  );
  private readonly nodes = new Gauge({
    name: "llm_cluster_nodes",
    help: "Nodes in the pool by capacity type",
    labelNames: ["pool", "capacity_type"] as const,
    registers: [this.registry],
  });
  private readonly gpuNodes = this.gauge("llm_cluster_gpu_nodes", "Nodes advertising nvidia.com/gpu");
  private readonly queueDepth = this.gauge(
    "llm_cluster_queue_depth",
    "Requests queued across the pool's runtimes",
  );
  private readonly readyReplicas = this.gauge(
    "llm_cluster_pool_ready_replicas",
    "Ready runtime replicas; 0 means the pool is cold (route elsewhere, and ignore its cost)",
  );
  private readonly unpriced = this.gauge("llm_cluster_unpriced_nodes", "Nodes with no known price");
  private readonly stale = this.gauge("llm_cluster_pool_stale", "1 when the last node or pod lookup failed");
  private readonly lastRefresh = new Gauge({
    name: "llm_cluster_exporter_last_refresh_timestamp_seconds",
    help: "Unix time of the last completed refresh",
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: "llm_cluster_exporter_errors_total",
    help: "Failed node lookups, pod lookups and runtime scrapes",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });

  constructor() {
    // Start every error series at 0 so rate() and alerts see them before the first failure.
    for (const source of ["nodes", "pods", "scrape"] satisfies ErrorSource[]) this.errors.inc({ source }, 0);
  }

  private gauge(name: string, help: string): Gauge<"pool"> {
    return new Gauge({ name, help, labelNames: ["pool"] as const, registers: [this.registry] });
  }

  /** Counts one failure of `source`. */
  countError(source: ErrorSource): void {
    this.errors.inc({ source });
  }

  /** Sets every pool gauge from the latest summaries. */
  update(summaries: PoolSummary[], atMs: number): void {
    for (const s of summaries) {
      const pool = s.pool;
      this.costPerHour.set({ pool }, s.costPerHour);
      this.tokensPerSecond.set({ pool }, s.tokensPerSecond);
      this.pricedTokensPerSecond.set({ pool }, s.pricedTokensPerSecond);
      this.costPer1k.set({ pool }, s.costPer1kTokens);
      this.capacityTokensPerSecond.set({ pool }, s.capacityTokensPerSecond);
      this.utilization.set({ pool }, s.utilization);
      this.idleCostPerHour.set({ pool }, s.idleCostPerHour);
      this.nodes.set({ pool, capacity_type: "spot" }, s.nodesByCapacityType.spot);
      this.nodes.set({ pool, capacity_type: "on-demand" }, s.nodesByCapacityType["on-demand"]);
      this.gpuNodes.set({ pool }, s.gpuNodes);
      this.queueDepth.set({ pool }, s.queueDepth);
      this.readyReplicas.set({ pool }, s.readyReplicas);
      this.unpriced.set({ pool }, s.unpricedNodes);
      this.stale.set({ pool }, s.stale ? 1 : 0);
    }
    this.lastRefresh.set(atMs / 1000);
  }
}
