/**
 * How an inbound API other than chat completions (Anthropic Messages `/v1/messages`, OpenAI
 * Responses `/v1/responses`) drives the ONE request pipeline (auth, limits and budgets,
 * request-aware cost, strategies, region policy, failover before the first byte, metrics, the
 * usage ledger, `x-router-*` headers) without a second copy of it.
 *
 * The mechanism, end to end:
 *
 * 1. Registration. The inbound API's endpoint kind (`"messages"`, `"responses"`) is an
 *    `EndpointKind` (routing/profile.ts); its path maps to that kind in `INFERENCE_PATHS`
 *    (http/inference.ts); its `InboundApi` is listed in `inboundApis` (./registry.ts). The usage
 *    ledger's `endpoint` is that kind.
 * 2. Opening. `forward/prepare.ts` calls `api.open(body, req)` instead of the chat parser. It
 *    validates the client's body with zod (an `HttpError` 400 naming the field) and returns an
 *    `InboundExchange` whose `chat` is the internal chat-completions body: what the routing
 *    profile is built from (so capability, context and cost ranking are the chat path's), and
 *    what translated targets get.
 * 3. Attempts. `forward/attempt.ts` asks the exchange, not the adapter, for each attempt's answer
 *    (`answer`) or event stream (`stream`), handing it the candidate. The exchange decides per
 *    target: a target that speaks the API natively (the `native` predicate of
 *    `InboundTranslation`) gets the client's original body with only the model name replaced;
 *    every other target gets `chat` through its adapter and the answer comes back through the
 *    response translator (JSON) or a fresh stream translator (SSE, one per attempt, so a failover
 *    before the first byte starts clean). Either way the exchange reports OpenAI-shaped usage,
 *    which accounting, budgets and `x-router-cost-usd` read.
 * 4. Streams. Stream items carry ready SSE frames (`event:` + `data:`); `forward/pipe-stream.ts`
 *    writes them as they come, keeps the idle deadline and client-gone handling of the chat path,
 *    sends no `[DONE]`, and on a failure after the first byte writes `errorFrames(err)` (Messages:
 *    `event: error`; Responses: its `error` event).
 * 5. Errors. Every error before or instead of an answer (body limit, auth, rate limit, validation,
 *    an upstream's refusal, all targets failed) leaves in the API's own shape, chosen by path
 *    (http/error-format.ts `errorFormatFor`), so errors raised before any of this runs match too.
 *
 * An inbound API therefore supplies: its endpoint kind, a request translator (`open`), a
 * response translator and a stream translator (`InboundTranslation`), its error frames, and
 * optionally a native pass-through. `createExchange` (./exchange.ts) assembles the exchange from
 * those parts, so each API only writes its translation.
 */
import type { IncomingMessage } from "node:http";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  HttpError,
  Usage,
} from "@llm/contracts";
import type { CallContext, UpstreamError } from "../../providers/types.js";
import type { Candidate } from "../../routing/strategies.js";
import type { Target } from "../../targets/target.js";

/** One Server-Sent Event as written to the client: `event: <event>` (when set) and `data: <data>`. */
export interface SseFrame {
  event?: string;
  data: string;
}

/**
 * One item of an inbound stream: the frames to write now, and the OpenAI-shaped usage when this
 * item knows it (the last one always should: the upstream's count, or the translator's estimate).
 */
export interface InboundStreamItem {
  frames: SseFrame[];
  usage?: Usage;
}

/** A non-streamed answer in the client's API shape, with the usage accounting books. */
export interface InboundAnswer {
  body: object;
  usage: Usage;
}

/** One request's translation state, built by `InboundApi.open`; see the file header. */
export interface InboundExchange {
  /** The internal chat-completions body: the routing profile and every translated target use it. */
  readonly chat: ChatCompletionRequest;
  /** A non-streamed attempt at `cand` (throws an UpstreamError, like an adapter, on failure). */
  answer(cand: Candidate, ctx: CallContext): Promise<InboundAnswer>;
  /**
   * A streamed attempt at `cand`. Resolves only once the upstream accepted the request (so a
   * refusal throws and the router can fail over); items follow, the last one carrying usage.
   */
  stream(cand: Candidate, ctx: CallContext): Promise<AsyncIterable<InboundStreamItem>>;
  /** The frames that end the client's stream after a failure past its first byte. */
  errorFrames(err: UpstreamError | HttpError): SseFrame[];
}

/** An inbound API: the one thing forward/prepare.ts asks for when the endpoint kind is not chat's. */
export interface InboundApi {
  /**
   * Validates the client's body (HttpError 400 naming the field when it is refused) and opens the
   * exchange. `req` gives the headers (`anthropic-beta`, …) and the query.
   */
  open(body: unknown, req: Pick<IncomingMessage, "headers" | "url">): InboundExchange;
}

/** Turns a chat stream into the API's frames; one per attempt (it keeps the block state). */
export interface ChunkTranslator {
  /** Frames for one upstream chat chunk (may be none). */
  chunk(c: ChatCompletionChunk): SseFrame[];
  /** Frames after the upstream's stream ended (the API's closing events). */
  end(usage: Usage): SseFrame[];
}

/** A target that speaks the inbound API itself: it gets the client's body, not a translation. */
export interface NativeRoute<Req> {
  /** True when `target` takes this API natively (e.g. an Anthropic target for Messages). */
  accepts(target: Target): boolean;
  answer(target: Target, request: Req, ctx: CallContext): Promise<InboundAnswer>;
  stream(target: Target, request: Req, ctx: CallContext): Promise<AsyncIterable<InboundStreamItem>>;
}

/** What an inbound API writes to have `createExchange` build its exchanges. */
export interface InboundTranslation<Req> {
  /** A chat answer -> the API's answer (usage already normalized, estimated when the upstream sent none). */
  answer(chat: ChatCompletion, request: Req, usage: Usage): object;
  /** A fresh stream translator for one attempt. */
  stream(request: Req, model: string): ChunkTranslator;
  /** The frames ending a stream after a mid-stream failure. */
  errorFrames(err: UpstreamError | HttpError): SseFrame[];
  /**
   * The chat body one translated attempt at `target` sends; defaults to the exchange's `chat`.
   * For fields only some targets take (Messages' `top_k`).
   */
  chatFor?(chat: ChatCompletionRequest, request: Req, target: Target): ChatCompletionRequest;
  /** Targets served natively, when the API has such targets. */
  native?: NativeRoute<Req>;
}
