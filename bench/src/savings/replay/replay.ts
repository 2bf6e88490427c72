import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, request } from "undici";
import { promptText, type TraceRequest } from "../trace/trace.js";

/** What happened to one trace request. */
export interface ReplayRecord {
  id: number;
  kind: "short" | "long";
  hour: number;
  ok: boolean;
  status: number;
  errorCode: string;
  /** `x-router-target` (`none` when the router refused before routing). */
  target: string;
  /** `x-router-reason`. */
  reason: string;
  /** Real ms from send to full response. */
  latencyMs: number;
  /** Real ms the request waited for an in-flight slot beyond its scheduled time. */
  lagMs: number;
  promptTokens: number;
  completionTokens: number;
  /** Scale-to-zero pools that were cold when the request was sent. */
  coldPools: string[];
}

/** Options of {@link replayTrace}. */
export interface ReplayOptions {
  routerURL: string;
  trace: readonly TraceRequest[];
  maxInFlight: number;
  /** Called when the request at fraction `at` of the trace is due (the failure injection). */
  events?: { at: number; run: () => void | Promise<void> }[];
  /** Names of pools cold right now (sampled at send time). */
  coldPools?: () => string[];
  /** Per-request timeout in ms. Defaults to 30000. */
  timeoutMs?: number;
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

/**
 * Sends the trace through the router open-loop at its scheduled times (at most `maxInFlight`
 * at once) as non-streamed chat completions for model `auto`, and records where each went.
 */
export async function replayTrace(opts: ReplayOptions): Promise<ReplayRecord[]> {
  const agent = new Agent({ connections: opts.maxInFlight, keepAliveTimeout: 5000 });
  const records: ReplayRecord[] = new Array(opts.trace.length);
  const events = [...(opts.events ?? [])].sort((a, b) => a.at - b.at);
  const eventIndex = (e: { at: number }) => Math.floor(e.at * opts.trace.length);
  let inFlight = 0;
  let slotFreed: (() => void) | undefined;
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  try {
    for (const r of opts.trace) {
      while (events[0] && eventIndex(events[0]) <= r.id) await events.shift()?.run();
      const wait = r.atMs - (performance.now() - t0);
      if (wait > 0) await sleep(wait);
      while (inFlight >= opts.maxInFlight) await new Promise<void>((resolve) => (slotFreed = resolve));
      const lagMs = Math.max(0, performance.now() - t0 - r.atMs);
      inFlight++;
      pending.push(
        send(agent, opts, r, lagMs).then((rec) => {
          records[r.id] = rec;
          inFlight--;
          slotFreed?.();
          slotFreed = undefined;
        }),
      );
    }
    await Promise.all(pending);
  } finally {
    await agent.close();
  }
  return records;
}

async function send(
  agent: Agent,
  opts: ReplayOptions,
  r: TraceRequest,
  lagMs: number,
): Promise<ReplayRecord> {
  const coldPools = opts.coldPools?.() ?? [];
  const started = performance.now();
  const base = { id: r.id, kind: r.kind, hour: r.hour, lagMs, coldPools };
  try {
    const res = await request(`${opts.routerURL}/v1/chat/completions`, {
      method: "POST",
      dispatcher: agent,
      headers: { "content-type": "application/json", "x-bench-request-id": String(r.id) },
      body: JSON.stringify({
        model: "auto",
        messages: [{ role: "user", content: promptText(r.id, r.promptTokens) }],
        max_tokens: r.maxTokens,
      }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    const body = (await res.body.json().catch(() => ({}))) as {
      usage?: { prompt_tokens?: number; completion_tokens?: number };
      error?: { code?: string | null };
    };
    const ok = res.statusCode === 200;
    return {
      ...base,
      ok,
      status: res.statusCode,
      errorCode: ok ? "" : (body.error?.code ?? `http_${res.statusCode}`),
      target: first(res.headers["x-router-target"]) || "none",
      reason: first(res.headers["x-router-reason"]),
      latencyMs: performance.now() - started,
      promptTokens: ok ? (body.usage?.prompt_tokens ?? 0) : 0,
      completionTokens: ok ? (body.usage?.completion_tokens ?? 0) : 0,
    };
  } catch (err) {
    return {
      ...base,
      ok: false,
      status: 0,
      errorCode: (err as { code?: string }).code ?? (err as Error).name,
      target: "none",
      reason: "",
      latencyMs: performance.now() - started,
      promptTokens: 0,
      completionTokens: 0,
    };
  }
}
