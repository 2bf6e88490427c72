import { parsePrometheusText, sumSamples } from "@llm/contracts";
import type { ClusterLive } from "../targets/live.js";

const RUNTIME_METRICS = new Set([
  "llm_runtime_tokens_per_second",
  "llm_runtime_decode_tokens_per_second",
  "llm_runtime_capacity_tokens_per_second",
  "llm_runtime_queue_depth",
  "llm_runtime_completion_tokens_total",
]);

/** Reads the fields we use from a runtime's /health JSON, tolerating naming variants. */
export function readHealth(body: unknown): {
  ready?: boolean;
  queueDepth?: number;
  backend?: string;
  capabilities?: string[];
  slots?: number;
} {
  if (!body || typeof body !== "object") return {};
  const b = body as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  const queue = b.queue && typeof b.queue === "object" ? (b.queue as Record<string, unknown>) : {};
  const slots = b.slots && typeof b.slots === "object" ? (b.slots as Record<string, unknown>) : {};
  let ready: boolean | undefined;
  if (typeof b.ready === "boolean") ready = b.ready;
  else if (typeof b.status === "string") ready = ["ok", "healthy", "ready"].includes(b.status);
  return {
    ready,
    queueDepth: num(b.queueDepth) ?? num(b.queue_depth) ?? num(queue.depth) ?? num(queue.waiting),
    backend: typeof b.backend === "string" ? b.backend : undefined,
    capabilities:
      Array.isArray(b.capabilities) && b.capabilities.every((c) => typeof c === "string")
        ? (b.capabilities as string[])
        : undefined,
    // Our runtime's `slots: {total, busy}`: how many sequences it runs at once.
    slots: num(slots.total),
  };
}

/**
 * Folds a runtime's Prometheus text into what the poller knows: queue depth; capacity throughput
 * (`llm_runtime_capacity_tokens_per_second`, summed over the series: one per replica when the
 * endpoint aggregates them) and the per-sequence decode rate, which price the pool; and the rate it
 * served (the recent-rate gauge, else the completion counter's rate since the last reading), which
 * is shown but never priced: an idle pool serves 0 tokens/s and costs what it cost busy.
 */
export function applyRuntimeMetrics(text: string, live: ClusterLive, at: number): void {
  const samples = parsePrometheusText(text, { names: RUNTIME_METRICS });
  const queue = sumSamples(samples, "llm_runtime_queue_depth");
  if (queue !== undefined) live.queueDepth = queue;
  const capacity = sumSamples(samples, "llm_runtime_capacity_tokens_per_second");
  // Keep the last measured capacity: a runtime that restarted has not measured one yet (0).
  if (capacity !== undefined && capacity > 0) {
    live.tokensPerSecond = capacity;
    live.capacitySource = "runtime";
  }
  const decode = sumSamples(samples, "llm_runtime_decode_tokens_per_second");
  if (decode !== undefined && decode > 0) live.decodeTokensPerSecond = decode;
  const gauge = sumSamples(samples, "llm_runtime_tokens_per_second");
  const counter = sumSamples(samples, "llm_runtime_completion_tokens_total");
  let served: number | undefined = gauge;
  if (
    served === undefined &&
    counter !== undefined &&
    live.completionCounter &&
    at > live.completionCounter.at
  )
    served = (Math.max(0, counter - live.completionCounter.value) * 1000) / (at - live.completionCounter.at);
  if (served !== undefined) live.servedTokensPerSecond = served;
  // A runtime that predates the capacity gauge: the busiest rate seen is what it can at least do.
  if (capacity === undefined && served !== undefined && served > 0 && live.capacitySource !== "runtime") {
    live.tokensPerSecond = Math.max(live.tokensPerSecond ?? 0, served);
    live.capacitySource = "peak";
  }
  if (counter !== undefined) live.completionCounter = { value: counter, at };
}
