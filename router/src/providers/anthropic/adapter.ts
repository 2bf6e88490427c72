import type { ChatCompletionChunk } from "@llm/contracts";
import { providerErrors, streamFailure } from "../errors.js";
import { createHttpClient, type HttpOptions, joinUrl, pathOf } from "../shared/http.js";
import { sseEvents } from "../shared/sse.js";
import { type AnthropicNativeAdapter, createAnthropicNative } from "./native.js";
import { anthropicToChunks } from "./stream.js";
import {
  type AnthropicResponse,
  DEFAULT_ANTHROPIC_MAX_TOKENS,
  fromAnthropicResponse,
  jsonSchemaTool,
  toAnthropicRequest,
} from "./translate.js";

export interface AnthropicAdapterConfig extends HttpOptions {
  /** Sent as `x-api-key`. */
  apiKey?: string;
  /** Defaults to `https://api.anthropic.com` (the adapter appends `/v1/messages`). */
  baseURL?: string;
  /** `anthropic-version` header. Defaults to `2023-06-01`. */
  version?: string;
  /** max_tokens sent when the client gave none (Anthropic requires it). Defaults to 4096. */
  defaultMaxTokens?: number;
}

/**
 * Anthropic Messages API behind the OpenAI chat interface, and natively for the router's own
 * `/v1/messages` (`anthropicNative`, native.ts). No completions or embeddings.
 */
export function createAnthropicAdapter(config: AnthropicAdapterConfig = {}): AnthropicNativeAdapter {
  const provider = "anthropic";
  const secrets = [config.apiKey];
  const root = (config.baseURL ?? "https://api.anthropic.com").replace(/\/+$/, "");
  const http = createHttpClient({
    ...config,
    baseURL: root,
    headers: {
      "anthropic-version": config.version ?? "2023-06-01",
      ...(config.apiKey ? { "x-api-key": config.apiKey } : {}),
    },
    errors: providerErrors(provider, secrets),
  });
  // Accept a base URL given with or without the /v1 segment.
  const path = joinUrl(pathOf(root), root.endsWith("/v1") ? "messages" : "v1/messages");
  const maxTokens = config.defaultMaxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS;

  return {
    anthropicNative: createAnthropicNative(http, path, provider, secrets),
    async chat(req, ctx) {
      const body = toAnthropicRequest(req, ctx.upstreamModel, maxTokens);
      const res = await http.postJson<AnthropicResponse>(path, body, ctx);
      return fromAnthropicResponse(res, res.model ?? ctx.upstreamModel, jsonSchemaTool(req));
    },
    async chatStream(req, ctx) {
      const body = { ...toAnthropicRequest(req, ctx.upstreamModel, maxTokens), stream: true };
      const res = await http.postStream(path, body, ctx);
      return (async function* (): AsyncGenerator<ChatCompletionChunk> {
        try {
          yield* anthropicToChunks(sseEvents(res.body), ctx.upstreamModel, secrets, jsonSchemaTool(req));
        } catch (err) {
          throw streamFailure(provider, err, ctx.signal, secrets);
        } finally {
          res.body.destroy();
        }
      })();
    },
    close: () => http.close(),
  };
}

/** Registry factory: builds the adapter from an `externalProviders[]` entry (`defaultMaxTokens` is a passthrough field). */
export function anthropicFromConfig(p: {
  apiKey?: string;
  baseURL?: string;
  timeout?: number;
  defaultMaxTokens?: unknown;
}): AnthropicNativeAdapter {
  return createAnthropicAdapter({
    apiKey: p.apiKey,
    baseURL: p.baseURL,
    timeoutMs: p.timeout,
    defaultMaxTokens: typeof p.defaultMaxTokens === "number" ? p.defaultMaxTokens : undefined,
  });
}
