import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  CompletionRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
  TextCompletion,
} from "@llm/contracts";
import type { Dispatcher } from "undici";
import { providerErrors, streamFailure, upstreamError } from "../errors.js";
import { createHttpClient, type HttpOptions, joinUrl, pathOf } from "../shared/http.js";
import { sseEvents } from "../shared/sse.js";
import type { CallContext, ProviderAdapter } from "../types.js";
import { createNativeResponses, speaksResponses } from "./responses.js";

/** Settings for any OpenAI-compatible upstream: OpenAI, Azure OpenAI, vLLM, Ollama, llama-server. */
export interface OpenAIAdapterConfig extends HttpOptions {
  /** Bearer token (or Azure `api-key`). Optional for keyless local servers. */
  apiKey?: string;
  /**
   * Base URL up to and including the version segment. Defaults to `https://api.openai.com/v1`.
   * For Azure: `https://<resource>.openai.azure.com/openai/deployments/{model}`, where `{model}`
   * is replaced by the upstream model (the deployment name).
   */
  baseURL?: string;
  /** `azure` sends the key as `api-key` and adds `?api-version=`. Defaults to `openai`. */
  flavour?: "openai" | "azure";
  /** Azure `api-version` query value. Defaults to `2024-10-21`. */
  apiVersion?: string;
  /** OpenAI organization header, when the key needs one. */
  organization?: string;
  /** Extra headers sent on every request (never logged). */
  headers?: Record<string, string>;
  /**
   * How `/v1/responses` requests reach this target: `native` posts them to `{baseURL}/responses`,
   * `chat` translates them to chat completions. Defaults to `native` for OpenAI's own API (no
   * baseURL, or api.openai.com) and `chat` for every other OpenAI-compatible server and Azure.
   */
  responsesApi?: "native" | "chat";
}

/** Creates the adapter for an OpenAI-compatible endpoint; requests pass through with the upstream model swapped in. */
export function createOpenAIAdapter(config: OpenAIAdapterConfig = {}): ProviderAdapter {
  const provider = "openai";
  const secrets = [config.apiKey];
  const azure = config.flavour === "azure";
  const fixed: Record<string, string> = { ...config.headers };
  if (config.apiKey) {
    if (azure) fixed["api-key"] = config.apiKey;
    else fixed.authorization = `Bearer ${config.apiKey}`;
  }
  if (config.organization) fixed["openai-organization"] = config.organization;
  const base = config.baseURL ?? "https://api.openai.com/v1";
  const http = createHttpClient({
    ...config,
    baseURL: base,
    headers: fixed,
    errors: providerErrors(provider, secrets),
  });
  // The origin is fixed; Azure's `{model}` (the deployment) only varies the path.
  const basePath = pathOf(base);
  // Google's OpenAI-compatible endpoint reads `extra_content` (Gemini thought signatures on tool
  // calls); other OpenAI-compatible servers may refuse an unknown message key.
  const googleCompat = /(^|\.)generativelanguage\.googleapis\.com$/.test(new URL(base).hostname);
  const apiVersion = config.apiVersion ?? "2024-10-21";

  const url = (path: string, model: string) => {
    const u = joinUrl(basePath.replace("{model}", encodeURIComponent(model)), path);
    return azure ? `${u}?api-version=${encodeURIComponent(apiVersion)}` : u;
  };
  const body = <T extends { model: string }>(req: T, ctx: CallContext, stream: boolean) => {
    const out: Record<string, unknown> = { ...req, model: ctx.upstreamModel };
    stripCacheControl(out);
    if (!googleCompat) stripExtraContent(out);
    if (stream) {
      out.stream = true;
      // Always ask for usage so the router can account for streamed requests.
      out.stream_options = { ...(req as { stream_options?: object }).stream_options, include_usage: true };
    } else delete out.stream;
    if (!stream) delete out.stream_options;
    return out;
  };

  const postJson = <T>(path: string, payload: Record<string, unknown>, ctx: CallContext) =>
    http.postJson<T>(url(path, ctx.upstreamModel), payload, ctx);

  async function stream<T>(
    path: string,
    req: { model: string },
    ctx: CallContext,
  ): Promise<AsyncIterable<T>> {
    const res = await http.postStream(url(path, ctx.upstreamModel), body(req, ctx, true), ctx);
    return jsonEvents<T>(provider, res, secrets, ctx.signal);
  }

  const adapter: ProviderAdapter = {
    chat: (req: ChatCompletionRequest, ctx: CallContext) =>
      postJson<ChatCompletion>("chat/completions", body(req, ctx, false), ctx),
    chatStream: (req, ctx) => stream<ChatCompletionChunk>("chat/completions", req, ctx),
    completions: (req: CompletionRequest, ctx: CallContext) =>
      postJson<TextCompletion>("completions", body(req, ctx, false), ctx),
    completionsStream: (req, ctx) => stream<TextCompletion>("completions", req, ctx),
    embed: (req: EmbeddingsRequest, ctx: CallContext) =>
      postJson<EmbeddingsResponse>("embeddings", { ...req, model: ctx.upstreamModel }, ctx),
    close: () => http.close(),
  };
  // The Responses API natively, beside the ProviderAdapter methods (found by nativeResponsesOf).
  if (speaksResponses(config.baseURL, config.flavour, config.responsesApi))
    Object.assign(adapter, createNativeResponses(http, url, provider, secrets));
  return adapter;
}

/** Yields the JSON `data:` payloads of an OpenAI-style SSE body until `[DONE]`; `{error}` events throw. */
async function* jsonEvents<T>(
  provider: string,
  res: Dispatcher.ResponseData,
  secrets: (string | undefined)[],
  signal: AbortSignal,
): AsyncGenerator<T> {
  try {
    for await (const ev of sseEvents(res.body)) {
      if (ev.data === "[DONE]") return;
      let json: unknown;
      try {
        json = JSON.parse(ev.data);
      } catch {
        continue; // keep-alive junk some servers send; not a chunk
      }
      if (json && typeof json === "object" && "error" in json && !("choices" in json))
        throw upstreamError({ provider, status: 200, body: json, secrets });
      yield json as T;
    }
  } catch (err) {
    throw streamFailure(provider, err, signal, secrets);
  } finally {
    // Stops the upstream generating when the consumer stops early (client disconnect).
    res.body.destroy();
  }
}

/**
 * Registry factory: builds the adapter from an `externalProviders[]` entry (`flavour`,
 * `apiVersion` and `responsesApi` are passthrough fields).
 */
export function openaiFromConfig(p: {
  apiKey?: string;
  baseURL?: string;
  timeout?: number;
  flavour?: unknown;
  apiVersion?: unknown;
  responsesApi?: unknown;
}): ProviderAdapter {
  return createOpenAIAdapter({
    apiKey: p.apiKey,
    baseURL: p.baseURL,
    timeoutMs: p.timeout,
    flavour: p.flavour === "azure" ? "azure" : "openai",
    apiVersion: typeof p.apiVersion === "string" ? p.apiVersion : undefined,
    responsesApi: p.responsesApi === "native" || p.responsesApi === "chat" ? p.responsesApi : undefined,
  });
}

/**
 * Google's `extra_content` on assistant tool calls (accepted so a Gemini turn's thought signature
 * survives a round trip) is not an OpenAI field: dropped before the request leaves for any other
 * OpenAI-compatible target, and only copied when there is one.
 */
function stripExtraContent(out: Record<string, unknown>): void {
  const messages = out.messages as { tool_calls?: unknown[] }[] | undefined;
  const has = (c: unknown) => typeof c === "object" && c !== null && "extra_content" in c;
  if (!messages?.some((m) => m.tool_calls?.some(has))) return;
  out.messages = messages.map((m) =>
    m.tool_calls?.some(has)
      ? {
          ...m,
          tool_calls: m.tool_calls.map((c) => {
            if (!has(c)) return c;
            const { extra_content: _, ...rest } = c as Record<string, unknown>;
            return rest;
          }),
        }
      : m,
  );
}

/**
 * Anthropic's `cache_control` breakpoints (accepted on text parts and tools for Anthropic targets)
 * are not OpenAI fields: dropped before the request leaves, and only copied when there is one.
 */
function stripCacheControl(out: Record<string, unknown>): void {
  const has = (x: unknown): boolean => typeof x === "object" && x !== null && "cache_control" in x;
  const drop = <T>(x: T): T => {
    if (!has(x)) return x;
    const { cache_control: _, ...rest } = x as Record<string, unknown>;
    return rest as T;
  };
  const messages = out.messages as { content?: unknown }[] | undefined;
  if (messages?.some((m) => Array.isArray(m.content) && m.content.some(has)))
    out.messages = messages.map((m) =>
      Array.isArray(m.content) ? { ...m, content: m.content.map(drop) } : m,
    );
  const tools = out.tools as unknown[] | undefined;
  if (tools?.some(has)) out.tools = tools.map(drop);
}
