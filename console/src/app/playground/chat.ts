import { call, ensureOk } from "../api.js";
import { readSse } from "../sse.js";

export interface ChatRequest {
  model: string;
  system: string;
  prompt: string;
  stream: boolean;
  maxTokens?: number;
  /** Request headers: `x-router-strategy`, `x-router-target`, `x-router-region`. Empty ones are not sent. */
  strategy?: string;
  target?: string;
  region?: string;
}

/** What the playground shows for one answer. */
export interface ChatResult {
  status: number;
  text: string;
  target: string | null;
  reason: string | null;
  strategy: string | null;
  /** `x-router-cost-usd` as sent (non-streamed answers only: a stream's cost is in the usage record). */
  costUsd: string | null;
  /**
   * A streamed answer's cost from its decision event (stream-cost.ts): undefined while looking it
   * up, null when it could not be found.
   */
  eventCostUsd?: number | null;
  cache: string | null;
  requestId: string | null;
  promptTokens?: number;
  completionTokens?: number;
  /** Send to last byte, ms. */
  latencyMs: number;
  /** Send to response headers, ms. */
  headersMs: number;
  error?: string;
}

interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

/** Sends one chat completion; `onText` gets the answer so far while it streams. */
export async function sendChat(
  req: ChatRequest,
  onText: (text: string) => void,
  signal?: AbortSignal,
): Promise<ChatResult> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (req.strategy) headers["x-router-strategy"] = req.strategy;
  if (req.target) headers["x-router-target"] = req.target;
  if (req.region) headers["x-router-region"] = req.region;
  const messages = [
    ...(req.system.trim() ? [{ role: "system", content: req.system }] : []),
    { role: "user", content: req.prompt },
  ];
  const body = {
    model: req.model,
    messages,
    stream: req.stream,
    ...(req.stream ? { stream_options: { include_usage: true } } : {}),
    ...(req.maxTokens ? { max_tokens: req.maxTokens } : {}),
  };
  const t0 = performance.now();
  const res = await call("/v1/chat/completions", {
    method: "POST",
    headers,
    body: JSON.stringify(body),
    signal,
  });
  const h = (name: string) => res.headers.get(name);
  const result: ChatResult = {
    status: res.status,
    text: "",
    target: h("x-router-target"),
    reason: h("x-router-reason"),
    strategy: h("x-router-strategy"),
    costUsd: h("x-router-cost-usd"),
    cache: h("x-router-cache"),
    requestId: h("x-request-id"),
    headersMs: performance.now() - t0,
    latencyMs: 0,
  };
  const usage = (u: Usage | undefined) => {
    if (!u) return;
    result.promptTokens = u.prompt_tokens;
    result.completionTokens = u.completion_tokens;
  };
  try {
    await ensureOk(res);
    if (req.stream && res.body) {
      await readSse(
        res.body,
        (e) => {
          if (e.data === "[DONE]") return;
          const chunk = JSON.parse(e.data) as {
            choices?: { delta?: { content?: string | null } }[];
            usage?: Usage | null;
            error?: { message?: string };
          };
          if (chunk.error) result.error = chunk.error.message ?? "stream error";
          const delta = chunk.choices?.[0]?.delta?.content;
          if (delta) {
            result.text += delta;
            onText(result.text);
          }
          usage(chunk.usage ?? undefined);
        },
        signal,
      );
    } else {
      const answer = (await res.json()) as {
        choices?: { message?: { content?: string | null } }[];
        usage?: Usage;
      };
      result.text = answer.choices?.[0]?.message?.content ?? "";
      usage(answer.usage);
      onText(result.text);
    }
  } catch (err) {
    result.error = (err as Error).message;
  }
  result.latencyMs = performance.now() - t0;
  return result;
}
