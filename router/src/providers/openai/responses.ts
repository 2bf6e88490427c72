import type { Dispatcher } from "undici";
import { streamFailure, upstreamError } from "../errors.js";
import type { HttpClient } from "../shared/http.js";
import { sseEvents } from "../shared/sse.js";
import type { CallContext, ProviderAdapter } from "../types.js";

/** One event of an upstream Responses stream: its SSE `event:` name and its parsed `data:`. */
export interface NativeResponsesEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * OpenAI's own Responses API (`POST {baseURL}/responses`), for `/v1/responses` requests routed to
 * an OpenAI target: the client's body goes as it is (the router has already rebuilt any
 * `previous_response_id` conversation and set `store: false`), with the upstream model swapped in.
 */
export interface NativeResponses {
  responses(body: Record<string, unknown>, ctx: CallContext): Promise<Record<string, unknown>>;
  /** Resolves once the upstream answered 2xx; an `error` event in the stream throws. */
  responsesStream(
    body: Record<string, unknown>,
    ctx: CallContext,
  ): Promise<AsyncIterable<NativeResponsesEvent>>;
}

/** The adapter's native Responses client, when its target speaks the Responses API (see createOpenAIAdapter). */
export function nativeResponsesOf(adapter: ProviderAdapter): NativeResponses | undefined {
  const a = adapter as ProviderAdapter & Partial<NativeResponses>;
  return a.responses && a.responsesStream ? (a as NativeResponses) : undefined;
}

/**
 * Whether an OpenAI-type target takes `/v1/responses` natively: `responsesApi` when the config
 * sets it, else only OpenAI's own API (no baseURL, or api.openai.com). Other OpenAI-compatible
 * servers (vLLM, llama-server, Ollama, Azure's deployment paths) get the chat translation unless
 * configured `responsesApi: native`.
 */
export function speaksResponses(
  baseURL: string | undefined,
  flavour: string | undefined,
  setting: unknown,
): boolean {
  if (setting === "native") return true;
  if (setting === "chat") return false;
  if (flavour === "azure") return false;
  return baseURL === undefined || new URL(baseURL).hostname === "api.openai.com";
}

export function createNativeResponses(
  http: HttpClient,
  url: (path: string, model: string) => string,
  provider: string,
  secrets: (string | undefined)[],
): NativeResponses {
  const payload = (body: Record<string, unknown>, ctx: CallContext, stream: boolean) => ({
    ...body,
    model: ctx.upstreamModel,
    stream,
    store: false,
  });
  return {
    responses: (body, ctx) =>
      http.postJson<Record<string, unknown>>(
        url("responses", ctx.upstreamModel),
        payload(body, ctx, false),
        ctx,
      ),
    async responsesStream(body, ctx) {
      const res = await http.postStream(url("responses", ctx.upstreamModel), payload(body, ctx, true), ctx);
      return events(provider, res, secrets, ctx.signal);
    },
  };
}

/**
 * The typed events of a Responses stream. OpenAI names each in both `event:` and the data's
 * `type`; the data's wins. An `error` event (openai-node ResponseErrorEvent: `code`, `message`,
 * `param`) throws the mapped upstream error, so before the first byte the router can still fail over.
 */
async function* events(
  provider: string,
  res: Dispatcher.ResponseData,
  secrets: (string | undefined)[],
  signal: AbortSignal,
): AsyncGenerator<NativeResponsesEvent> {
  try {
    for await (const ev of sseEvents(res.body)) {
      if (ev.data === "[DONE]") return;
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(ev.data) as Record<string, unknown>;
      } catch {
        continue; // keep-alive junk; not an event
      }
      const type = typeof data.type === "string" ? data.type : (ev.event ?? "");
      if (type === "error") {
        const nested = typeof data.error === "object" && data.error !== null ? data.error : data;
        throw upstreamError({ provider, status: 200, body: { error: nested }, secrets });
      }
      yield { type, data };
    }
  } catch (err) {
    throw streamFailure(provider, err, signal, secrets);
  } finally {
    res.body.destroy();
  }
}
