import type { ChatCompletionChunk } from "@llm/contracts";
import { networkError } from "../errors.js";
import { createHttpClient, type HttpOptions, joinUrl } from "../openai/http.js";
import { parseSse } from "../openai/sse.js";
import type { CallContext, ProviderAdapter } from "../types.js";
import { anthropicToChunks } from "./stream.js";
import {
  type AnthropicResponse,
  DEFAULT_ANTHROPIC_MAX_TOKENS,
  fromAnthropicResponse,
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

/** Anthropic Messages API behind the OpenAI chat interface. No completions or embeddings. */
export function createAnthropicAdapter(config: AnthropicAdapterConfig = {}): ProviderAdapter {
  const provider = "anthropic";
  const secrets = [config.apiKey];
  const http = createHttpClient(provider, config, secrets);
  const root = (config.baseURL ?? "https://api.anthropic.com").replace(/\/+$/, "");
  // Accept a base URL given with or without the /v1 segment.
  const url = joinUrl(root, root.endsWith("/v1") ? "messages" : "v1/messages");
  const maxTokens = config.defaultMaxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS;
  const headers = (ctx: CallContext): Record<string, string> => ({
    ...ctx.headers,
    "anthropic-version": config.version ?? "2023-06-01",
    ...(config.apiKey ? { "x-api-key": config.apiKey } : {}),
  });

  return {
    async chat(req, ctx) {
      const body = toAnthropicRequest(req, ctx.upstreamModel, maxTokens);
      const res = await http.postJson<AnthropicResponse>(url, headers(ctx), body, ctx.signal);
      return fromAnthropicResponse(res, res.model ?? ctx.upstreamModel);
    },
    async chatStream(req, ctx) {
      const body = { ...toAnthropicRequest(req, ctx.upstreamModel, maxTokens), stream: true };
      const res = await http.post(url, { ...headers(ctx), accept: "text/event-stream" }, body, ctx.signal);
      return (async function* (): AsyncGenerator<ChatCompletionChunk> {
        try {
          yield* anthropicToChunks(parseSse(res.body), ctx.upstreamModel, secrets);
        } catch (err) {
          throw networkError(provider, err, secrets);
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
}): ProviderAdapter {
  return createAnthropicAdapter({
    apiKey: p.apiKey,
    baseURL: p.baseURL,
    timeoutMs: p.timeout,
    defaultMaxTokens: typeof p.defaultMaxTokens === "number" ? p.defaultMaxTokens : undefined,
  });
}
