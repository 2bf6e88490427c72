import type { ChatCompletionChunk } from "@llm/contracts";
import { providerErrors, streamFailure } from "../errors.js";
import { CallState } from "../shared/call-state.js";
import { createHttpClient, type HttpOptions, joinUrl, pathOf } from "../shared/http.js";
import { sseEvents } from "../shared/sse.js";
import type { CallContext } from "../types.js";
import { type AnthropicNativeAdapter, createAnthropicNative } from "./native.js";
import { assistantCallIds, thinkingToKeep } from "./signed-thinking.js";
import { anthropicToChunks } from "./stream.js";
import { supportsNativeStructuredOutput } from "./structured-output.js";
import {
  type AnthropicResponse,
  DEFAULT_ANTHROPIC_MAX_TOKENS,
  fromAnthropicResponse,
  jsonSchemaTool,
  type SignedThinking,
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
  /**
   * How `response_format: json_schema` goes: `tool` (a forced tool, every model), `native`
   * (`output_config.format`, every model), `auto` (native for the models that have it,
   * structured-output.ts, else the tool). Defaults to `tool`.
   */
  structuredOutputs?: "tool" | "native" | "auto";
  /** How long signed thinking blocks wait for the turn that sends their calls back. Defaults to 24 h. */
  thinkingTtlMs?: number;
}

/** The signed thinking blocks kept for `req`'s earlier tool calls (per tenant; CallContext.state). */
async function keptThinking(state: CallState, ids: string[]): Promise<Map<string, SignedThinking[]>> {
  const kept = new Map<string, SignedThinking[]>();
  for (const [id, json] of await state.load(ids)) {
    try {
      kept.set(id, JSON.parse(json) as SignedThinking[]);
    } catch {
      // An unreadable entry is as good as none.
    }
  }
  return kept;
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
  const mode = config.structuredOutputs ?? "tool";
  const native = (model: string) =>
    mode === "native" || (mode === "auto" && supportsNativeStructuredOutput(model));
  const thinkingState = (ctx: CallContext) =>
    new CallState(ctx.state?.namespace("anthropic", "thinking"), config.thinkingTtlMs);
  /** The translated body, with the thinking blocks kept for the request's earlier calls. */
  const request = async (req: Parameters<typeof toAnthropicRequest>[0], ctx: CallContext, state: CallState) =>
    toAnthropicRequest(req, ctx.upstreamModel, maxTokens, {
      nativeStructuredOutput: native(ctx.upstreamModel),
      thinking: req.reasoning_effort ? await keptThinking(state, assistantCallIds(req)) : undefined,
    });

  return {
    anthropicNative: createAnthropicNative(http, path, provider, secrets),
    async chat(req, ctx) {
      const state = thinkingState(ctx);
      const body = await request(req, ctx, state);
      const res = await http.postJson<AnthropicResponse>(path, body, ctx);
      await state.save(thinkingToKeep(res.content ?? []));
      const jsonTool = jsonSchemaTool(req, native(ctx.upstreamModel));
      return fromAnthropicResponse(res, res.model ?? ctx.upstreamModel, jsonTool);
    },
    async chatStream(req, ctx) {
      const state = thinkingState(ctx);
      const body = { ...(await request(req, ctx, state)), stream: true };
      const res = await http.postStream(path, body, ctx);
      const jsonTool = jsonSchemaTool(req, native(ctx.upstreamModel));
      return (async function* (): AsyncGenerator<ChatCompletionChunk> {
        try {
          yield* anthropicToChunks(sseEvents(res.body), ctx.upstreamModel, secrets, jsonTool, (kept) =>
            state.save(kept),
          );
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
  structuredOutputs?: unknown;
  thinkingTtl?: unknown;
}): AnthropicNativeAdapter {
  const modes = ["tool", "native", "auto"] as const;
  const structured = modes.find((m) => m === p.structuredOutputs);
  return createAnthropicAdapter({
    apiKey: p.apiKey,
    baseURL: p.baseURL,
    timeoutMs: p.timeout,
    defaultMaxTokens: typeof p.defaultMaxTokens === "number" ? p.defaultMaxTokens : undefined,
    // Passthrough fields of the externalProviders[] entry (thinkingTtl in milliseconds).
    structuredOutputs: structured,
    thinkingTtlMs: typeof p.thinkingTtl === "number" ? p.thinkingTtl : undefined,
  });
}
