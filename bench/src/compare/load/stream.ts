import { performance } from "node:perf_hooks";
import { estimateTokens } from "@llm/testing";
import { request } from "undici";
import { sseData } from "../../sse/sse-data.js";

/** What one streamed chat completion measured. */
export interface StreamResult {
  ok: boolean;
  /** HTTP status, 0 when the connection failed. */
  httpStatus: number;
  /** OpenAI error code or a transport error name. */
  errorCode?: string;
  errorMessage?: string;
  /** Time to the first content token (ms); undefined when none arrived. */
  ttftMs?: number;
  /** Time to the end of the stream (ms). */
  latencyMs: number;
  promptTokens: number;
  completionTokens: number;
  /** True when the counts came from the server's usage chunk (not estimated). */
  usageReported: boolean;
  /** Response headers of interest (router's `x-router-target`, if any). */
  servedBy?: string;
}

/** Options of {@link streamChat}. */
export interface StreamChatOptions {
  /** Base URL including `/v1`. */
  baseURL: string;
  model: string;
  prompt: string;
  maxTokens: number;
  apiKey?: string;
  headers?: Record<string, string>;
  timeoutMs: number;
}

/**
 * Sends one streaming chat completion and times it: TTFT is the first SSE chunk carrying
 * content, latency the end of the stream. Token counts come from `stream_options.include_usage`
 * and fall back to estimates (content chunks; 4 chars per prompt token) when a server omits them.
 */
export async function streamChat(opts: StreamChatOptions): Promise<StreamResult> {
  const start = performance.now();
  const since = () => performance.now() - start;
  const body = JSON.stringify({
    model: opts.model,
    messages: [{ role: "user", content: opts.prompt }],
    max_tokens: opts.maxTokens,
    stream: true,
    stream_options: { include_usage: true },
  });
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "text/event-stream",
    ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
    ...opts.headers,
  };
  const promptEstimate = estimateTokens(opts.prompt);
  const failed = (httpStatus: number, errorCode: string, errorMessage: string): StreamResult => ({
    ok: false,
    httpStatus,
    errorCode,
    errorMessage,
    latencyMs: since(),
    promptTokens: 0,
    completionTokens: 0,
    usageReported: false,
  });
  const url = `${opts.baseURL.replace(/\/+$/, "")}/chat/completions`;
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(url, {
      method: "POST",
      headers,
      body,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    const e = err as { code?: string; name?: string; message?: string };
    return failed(0, e.code ?? e.name ?? "network_error", e.message ?? String(err));
  }
  const servedBy = headerValue(res.headers["x-router-target"]);
  if (res.statusCode >= 400) {
    const text = await res.body.text().catch(() => "");
    let code = `http_${res.statusCode}`;
    let message = text.slice(0, 200);
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string | null; message?: string } };
      code = parsed.error?.code ?? code;
      message = parsed.error?.message ?? message;
    } catch {
      // not JSON: keep the raw text
    }
    return { ...failed(res.statusCode, code, message), servedBy };
  }

  let ttftMs: number | undefined;
  let chunks = 0;
  let usage: { prompt_tokens?: number; completion_tokens?: number } | undefined;
  let done = false;
  try {
    for await (const data of sseData(res.body)) {
      if (data === "[DONE]") {
        done = true;
        continue;
      }
      const event = JSON.parse(data) as {
        choices?: { delta?: { content?: string | null } }[];
        usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
        error?: { code?: string; message?: string };
      };
      if (event.error) {
        return {
          ...failed(res.statusCode, event.error.code ?? "stream_error", event.error.message ?? ""),
          servedBy,
        };
      }
      if (event.usage) usage = event.usage;
      const content = event.choices?.[0]?.delta?.content;
      if (content) {
        ttftMs ??= since();
        chunks++;
      }
    }
  } catch (err) {
    const e = err as { code?: string; name?: string; message?: string };
    return { ...failed(res.statusCode, e.code ?? e.name ?? "stream_aborted", e.message ?? ""), servedBy };
  }
  if (!done && !usage) {
    return { ...failed(res.statusCode, "stream_truncated", "stream ended without [DONE]"), servedBy };
  }
  return {
    ok: true,
    httpStatus: res.statusCode,
    ttftMs,
    latencyMs: since(),
    promptTokens: usage?.prompt_tokens ?? promptEstimate,
    completionTokens: usage?.completion_tokens ?? chunks,
    usageReported: usage !== undefined,
    servedBy,
  };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
