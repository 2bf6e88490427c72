import { parsePrometheusText } from "@llm/contracts";
import { request } from "undici";
import { sumOf } from "../scrape/prom-text.js";
import { type RuntimeReading, runtimeMetricNames } from "../scrape/runtime-metrics.js";

/**
 * The runtime's capacity gauges, the names the router reads too (router/src/health/runtime-reading.ts,
 * runtime/src/metrics/capacity.ts): what the pool's price per token is amortized over.
 */
export const capacityMetricNames = {
  decodeTokensPerSecond: "llm_runtime_decode_tokens_per_second",
  capacityTokensPerSecond: "llm_runtime_capacity_tokens_per_second",
} as const;

/** One replica's scrape: the readings scrape/runtime-metrics.ts defines, plus its capacity. */
export interface CapacityReading extends RuntimeReading {
  /** Tokens/s this replica produces when busy; undefined when the runtime predates the gauge or never generated. */
  capacityTokensPerSecond?: number;
  /** Per-sequence decode rate while generating; undefined as above. */
  decodeTokensPerSecond?: number;
}

const positive = (n: number | undefined) => (n !== undefined && n > 0 ? n : undefined);

/**
 * GETs a runtime's Prometheus metrics (same request as scrape/runtime-metrics.ts scrapeRuntime, which
 * reads no capacity: kept here so the pool model owns the names); throws on HTTP or network errors.
 */
export async function scrapeRuntimeCapacity(url: string, timeoutMs: number): Promise<CapacityReading> {
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
    capacityTokensPerSecond: positive(sumOf(samples, capacityMetricNames.capacityTokensPerSecond)),
    decodeTokensPerSecond: positive(sumOf(samples, capacityMetricNames.decodeTokensPerSecond)),
  };
}
