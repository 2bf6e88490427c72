import { streamFailure, upstreamError } from "../errors.js";
import type { HttpClient } from "../shared/http.js";
import { type SseEvent, sseEvents } from "../shared/sse.js";
import type { CallContext, ProviderAdapter } from "../types.js";
import type { AnthropicResponse } from "./translate.js";

/**
 * The Anthropic Messages API spoken as itself: for a client that already speaks it (the router's
 * `/v1/messages`), the request goes through unchanged but for the model name, and the answer or
 * events come back unchanged, so nothing is lost in a round trip through chat completions.
 */
export interface AnthropicNative {
  /** POST /v1/messages; the parsed answer keeps its bytes (raw-json.ts), so it is relayed as it came. */
  messages(body: object, ctx: CallContext, headers?: Record<string, string>): Promise<AnthropicResponse>;
  /** POST /v1/messages with stream: resolves once the upstream accepted; an `error` event throws. */
  messagesStream(
    body: object,
    ctx: CallContext,
    headers?: Record<string, string>,
  ): Promise<AsyncIterable<SseEvent>>;
  /** POST /v1/messages/count_tokens. */
  countTokens(
    body: object,
    ctx: CallContext,
    headers?: Record<string, string>,
  ): Promise<{ input_tokens: number }>;
}

/** An adapter that also speaks Messages natively (the Anthropic adapter). */
export type AnthropicNativeAdapter = ProviderAdapter & { readonly anthropicNative: AnthropicNative };

/** The native Messages path of `adapter`, when it has one. */
export function anthropicNativeOf(adapter: ProviderAdapter): AnthropicNative | undefined {
  return (adapter as Partial<AnthropicNativeAdapter>).anthropicNative;
}

export function createAnthropicNative(
  http: HttpClient,
  path: string,
  provider: string,
  secrets: (string | undefined)[],
): AnthropicNative {
  return {
    messages: (body, ctx, headers) => http.postJson<AnthropicResponse>(path, body, ctx, headers),
    async messagesStream(body, ctx, headers) {
      const res = await http.postStream(path, body, ctx, headers);
      return (async function* (): AsyncGenerator<SseEvent> {
        try {
          for await (const ev of sseEvents(res.body)) {
            if (ev.event === "error") throw upstreamError({ provider, status: 200, body: ev.data, secrets });
            yield ev;
          }
        } catch (err) {
          throw streamFailure(provider, err, ctx.signal, secrets);
        } finally {
          res.body.destroy();
        }
      })();
    },
    countTokens: (body, ctx, headers) =>
      http.postJson<{ input_tokens: number }>(`${path}/count_tokens`, body, ctx, headers),
  };
}
