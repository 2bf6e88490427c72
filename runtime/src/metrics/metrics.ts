import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { CapacityEstimator } from "./capacity.js";
import { DecodeRate } from "./decode-rate.js";

/** Endpoint labels; a fixed set so unknown paths cannot explode label cardinality. */
export type EndpointLabel =
  | "chat_completions"
  | "completions"
  | "embeddings"
  | "models"
  | "health"
  | "ready"
  | "metrics"
  | "other";

/** The runtime's Prometheus metrics, in their own Registry (several runtimes can share a process in tests). */
export class RuntimeMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<"endpoint" | "status">;
  readonly promptTokens: Counter;
  readonly completionTokens: Counter;
  readonly promptCachedTokens: Counter;
  readonly toolCalls: Counter;
  readonly timeToFirstToken: Histogram;
  readonly requestDuration: Histogram<"endpoint">;
  readonly queueDepth: Gauge;
  readonly activeSequences: Gauge;
  readonly modelLoadSeconds: Gauge;
  readonly backendInfo: Gauge<"backend" | "model" | "gpu_layers">;
  readonly batchTokens: Histogram;
  readonly decodeAheadTokens: Counter<"outcome">;
  /**
   * Fraction (0-1) of the context's KV cells the sequences hold, read at scrape time for
   * `llm_runtime_kv_cache_usage_ratio`; set by the engine once its context exists. Unset: the
   * share of sequences busy (`slotUsage`), the closest figure the metrics see on their own.
   */
  kvCacheUsage?: () => number;
  /** Busy and total sequences, as the engine last reported them (what the fallback divides). */
  slotUsage = { busy: 0, total: 0 };
  private readonly decodeRate = new DecodeRate();
  /** Per-sequence and capacity throughput (capacity.ts), fed by InferenceService.run. */
  readonly capacity = new CapacityEstimator();

  constructor() {
    const registers = [this.registry];
    this.requests = new Counter({
      name: "llm_runtime_requests_total",
      help: "HTTP requests by endpoint and status code",
      labelNames: ["endpoint", "status"],
      registers,
    });
    this.promptTokens = new Counter({
      name: "llm_runtime_prompt_tokens_total",
      help: "Prompt tokens processed",
      registers,
    });
    this.promptCachedTokens = new Counter({
      name: "llm_runtime_prompt_cached_tokens_total",
      help: "Prompt tokens reused from a sequence's cached state instead of being evaluated again",
      registers,
    });
    this.toolCalls = new Counter({
      name: "llm_runtime_tool_calls_total",
      help: "Tool calls answered (message.tool_calls entries, streamed or not)",
      registers,
    });
    this.completionTokens = new Counter({
      name: "llm_runtime_completion_tokens_total",
      help: "Completion tokens generated",
      registers,
    });
    this.timeToFirstToken = new Histogram({
      name: "llm_runtime_time_to_first_token_seconds",
      help: "Seconds from request arrival (including queueing) to the first generated token",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.requestDuration = new Histogram({
      name: "llm_runtime_request_duration_seconds",
      help: "Seconds from request arrival to the end of the response",
      labelNames: ["endpoint"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    const rate = this.decodeRate;
    new Gauge({
      name: "llm_runtime_tokens_per_second",
      help: "Completion tokens per second over the last 10 seconds, all sequences together",
      registers,
      collect() {
        this.set(rate.perSecond());
      },
    });
    const capacity = this.capacity;
    // The names the router and exporter read (router/src/health/runtime-reading.ts, exporters/src/pools).
    new Gauge({
      name: "llm_runtime_decode_tokens_per_second",
      help: "Per-sequence decode rate, measured only while generating (smoothed; 0 before the first generation)",
      registers,
      collect() {
        this.set(capacity.decodeTokensPerSecond());
      },
    });
    new Gauge({
      name: "llm_runtime_capacity_tokens_per_second",
      help: "Tokens/s this runtime produces when busy: per-sequence rate x min(slots, observed batch scaling)",
      registers,
      collect() {
        this.set(capacity.capacityTokensPerSecond());
      },
    });
    this.queueDepth = new Gauge({
      name: "llm_runtime_queue_depth",
      help: "Requests waiting for a free sequence",
      registers,
    });
    this.activeSequences = new Gauge({
      name: "llm_runtime_active_sequences",
      help: "Sequences currently generating",
      registers,
    });
    // What the Gateway API Inference Extension's endpoint picker reads as KV-cache utilization
    // (its --kv-cache-usage-percentage-metric flag, "from 0 to 1"; charts/llm-runtime inferencePool).
    const metrics = this;
    new Gauge({
      name: "llm_runtime_kv_cache_usage_ratio",
      help: "Fraction of the KV cache in use, 0-1 (the endpoint picker's KV-cache utilization)",
      registers,
      collect() {
        const u = metrics.slotUsage;
        const v = metrics.kvCacheUsage?.() ?? (u.total > 0 ? u.busy / u.total : 0);
        this.set(Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);
      },
    });
    this.modelLoadSeconds = new Gauge({
      name: "llm_runtime_model_load_seconds",
      help: "Seconds it took to load the model and create its context",
      registers,
    });
    this.backendInfo = new Gauge({
      name: "llm_runtime_backend_info",
      help: "Always 1; labels say which backend, model and GPU layer count this process runs",
      labelNames: ["backend", "model", "gpu_layers"],
      registers,
    });
    this.batchTokens = new Histogram({
      name: "llm_runtime_batch_tokens",
      help: "Tokens per engine batch (decode steps of concurrent sequences share one batch)",
      buckets: [1, 2, 3, 4, 6, 8, 16, 32, 64, 128, 256, 512, 1024],
      registers,
    });
    this.decodeAheadTokens = new Counter({
      name: "llm_runtime_decode_ahead_tokens_total",
      help: "Tokens decoded right after sampling, before asked for: used, or wasted (generation stopped or another request joined)",
      labelNames: ["outcome"],
      registers,
    });
  }

  /** Counts generated tokens for the counter and the recent-rate gauge. */
  addCompletionTokens(n: number): void {
    if (n <= 0) return;
    this.completionTokens.inc(n);
    this.decodeRate.add(n);
  }
}
