import { parsePrometheusText } from "@llm/contracts";
import { request } from "undici";
import { sumOf } from "./prom-text.js";

/** The runtime metrics the exporter reads (names from the runtime's `llm_runtime_*` contract). */
export const runtimeMetricNames = {
  completionTokens: "llm_runtime_completion_tokens_total",
  promptTokens: "llm_runtime_prompt_tokens_total",
  queueDepth: "llm_runtime_queue_depth",
  tokensPerSecond: "llm_runtime_tokens_per_second",
  // Capacity, the names the router reads too (router/src/health/runtime-reading.ts,
  // runtime/src/metrics/capacity.ts): what the pool's price per token is amortized over.
  decodeTokensPerSecond: "llm_runtime_decode_tokens_per_second",
  capacityTokensPerSecond: "llm_runtime_capacity_tokens_per_second",
} as const;

/** One scrape of one runtime replica, summed over the runtime's label sets. */
export interface RuntimeReading {
  /** Cumulative generated tokens (counter). */
  completionTokens: number;
  /** Cumulative prompt tokens (counter). */
  promptTokens: number;
  /** Requests waiting now (gauge). */
  queueDepth: number;
  /** The runtime's own recent generation speed (gauge); used until two scrapes give a rate. */
  tokensPerSecond: number;
  /** Tokens/s this replica produces when busy; undefined when the runtime predates the gauge or never generated. */
  capacityTokensPerSecond?: number;
  /** Per-sequence decode rate while generating; undefined as above. */
  decodeTokensPerSecond?: number;
}

const positive = (n: number | undefined) => (n !== undefined && n > 0 ? n : undefined);

/** GETs a runtime's Prometheus metrics and extracts the readings; throws on HTTP or network errors. */
export async function scrapeRuntime(url: string, timeoutMs: number): Promise<RuntimeReading> {
  const res = await request(url, {
    method: "GET",
    headers: { accept: "text/plain" },
    signal: AbortSignal.timeout(timeoutMs),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET ${url} returned ${res.statusCode}`);
  const samples = parsePrometheusText(text);
  return {
    completionTokens: sumOf(samples, runtimeMetricNames.completionTokens) ?? 0,
    promptTokens: sumOf(samples, runtimeMetricNames.promptTokens) ?? 0,
    queueDepth: sumOf(samples, runtimeMetricNames.queueDepth) ?? 0,
    tokensPerSecond: sumOf(samples, runtimeMetricNames.tokensPerSecond) ?? 0,
    capacityTokensPerSecond: positive(sumOf(samples, runtimeMetricNames.capacityTokensPerSecond)),
    decodeTokensPerSecond: positive(sumOf(samples, runtimeMetricNames.decodeTokensPerSecond)),
  };
}
