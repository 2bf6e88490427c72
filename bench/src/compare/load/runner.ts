import { performance } from "node:perf_hooks";
import type { Price } from "../config/schema.js";
import { promptFor } from "./prompts.js";
import { streamChat } from "./stream.js";

/** One request's measurements: a row of results.csv. */
export interface RequestRecord {
  target: string;
  /** 0-based request index within the target. */
  index: number;
  promptId: string;
  ok: boolean;
  httpStatus: number;
  errorCode: string;
  /** Start time relative to the target's first request (ms). */
  startMs: number;
  /** Time to first token (ms); NaN when no token arrived. */
  ttftMs: number;
  /** End-to-end latency (ms). */
  latencyMs: number;
  promptTokens: number;
  completionTokens: number;
  /** Decode rate of this request: completion tokens / (latency - TTFT); NaN when undefined. */
  tokensPerSecond: number;
  /** Cost of this request in USD; NaN when the target has no price. */
  costUsd: number;
  /** Target the router reported serving the request (`x-router-target`), if any. */
  servedBy: string;
}

/** A target the runner can call. */
export interface RunnableTarget {
  name: string;
  baseURL: string;
  model: string;
  apiKey?: string;
  headers?: Record<string, string>;
  price?: Price;
}

/** Options of {@link runTarget}. */
export interface RunOptions {
  requests: number;
  concurrency: number;
  maxTokens: number;
  timeoutMs: number;
  /** Called as each request finishes (progress). */
  onRecord?: (record: RequestRecord) => void;
}

/** Cost of one request: prompt and completion tokens at the target's per-1K prices. */
export function requestCost(
  price: Price | undefined,
  promptTokens: number,
  completionTokens: number,
): number {
  if (!price) return Number.NaN;
  return (promptTokens / 1000) * price.inputPer1k + (completionTokens / 1000) * price.outputPer1k;
}

/** Sends `requests` streaming requests to one target with at most `concurrency` in flight. */
export async function runTarget(target: RunnableTarget, opts: RunOptions): Promise<RequestRecord[]> {
  const records: RequestRecord[] = new Array(opts.requests);
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < opts.requests) {
      const index = next++;
      const prompt = promptFor(index);
      const startMs = performance.now() - t0;
      const r = await streamChat({
        baseURL: target.baseURL,
        model: target.model,
        prompt: prompt.text,
        maxTokens: opts.maxTokens,
        apiKey: target.apiKey,
        headers: { ...target.headers, "x-bench-request-id": String(index) },
        timeoutMs: opts.timeoutMs,
      });
      const decodeMs = r.ttftMs === undefined ? Number.NaN : r.latencyMs - r.ttftMs;
      records[index] = {
        target: target.name,
        index,
        promptId: prompt.id,
        ok: r.ok,
        httpStatus: r.httpStatus,
        errorCode: r.errorCode ?? "",
        startMs,
        ttftMs: r.ttftMs ?? Number.NaN,
        latencyMs: r.latencyMs,
        promptTokens: r.promptTokens,
        completionTokens: r.completionTokens,
        // One token is the first one; the rest arrive over the decode time.
        tokensPerSecond:
          r.ok && decodeMs > 0 && r.completionTokens > 1
            ? ((r.completionTokens - 1) * 1000) / decodeMs
            : Number.NaN,
        costUsd: r.ok ? requestCost(target.price, r.promptTokens, r.completionTokens) : 0,
        servedBy: r.servedBy ?? "",
      };
      opts.onRecord?.(records[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.requests) }, worker));
  return records;
}
