import { parsePrometheusText, sumSamples } from "@llm/contracts";
import type { ClusterLive } from "../targets/live.js";

const RUNTIME_METRICS = new Set([
  "llm_runtime_tokens_per_second",
  "llm_runtime_queue_depth",
  "llm_runtime_completion_tokens_total",
]);

/** Reads the fields we use from a runtime's /health JSON, tolerating naming variants. */
export function readHealth(body: unknown): { ready?: boolean; queueDepth?: number; backend?: string } {
  if (!body || typeof body !== "object") return {};
  const b = body as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  const queue = b.queue && typeof b.queue === "object" ? (b.queue as Record<string, unknown>) : {};
  let ready: boolean | undefined;
  if (typeof b.ready === "boolean") ready = b.ready;
  else if (typeof b.status === "string") ready = ["ok", "healthy", "ready"].includes(b.status);
  return {
    ready,
    queueDepth: num(b.queueDepth) ?? num(b.queue_depth) ?? num(queue.depth) ?? num(queue.waiting),
    backend: typeof b.backend === "string" ? b.backend : undefined,
  };
}

/**
 * Folds a runtime's Prometheus text into what the poller knows: queue depth, and decode throughput
 * from the gauge, else from the completion-token counter's rate since the last reading.
 */
export function applyRuntimeMetrics(text: string, live: ClusterLive, at: number): void {
  const samples = parsePrometheusText(text, { names: RUNTIME_METRICS });
  const queue = sumSamples(samples, "llm_runtime_queue_depth");
  if (queue !== undefined) live.queueDepth = queue;
  const gauge = sumSamples(samples, "llm_runtime_tokens_per_second");
  const counter = sumSamples(samples, "llm_runtime_completion_tokens_total");
  let rate: number | undefined;
  if (gauge !== undefined && gauge > 0) rate = gauge;
  else if (counter !== undefined && live.completionCounter && at > live.completionCounter.at) {
    const delta = counter - live.completionCounter.value;
    if (delta > 0) rate = (delta * 1000) / (at - live.completionCounter.at);
  }
  // Keep the last non-zero rate: an idle runtime decodes nothing, but its price per token has not changed.
  if (rate !== undefined) live.tokensPerSecond = rate;
  if (counter !== undefined) live.completionCounter = { value: counter, at };
}
