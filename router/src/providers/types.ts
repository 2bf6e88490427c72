import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  CompletionRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
  OpenAIErrorBody,
  TextCompletion,
} from "@llm/contracts";
import type { KeyValueStore } from "../state/key-value.js";

/**
 * Cancellation as callbacks: what `signal` says, without an AbortController per call for
 * adapters that do not need a real AbortSignal (the OpenAI-wire client on the hot path).
 */
export interface AbortHook {
  readonly aborted: boolean;
  readonly reason: unknown;
  /** Calls `fn` when the call is aborted later (one subscriber at a time). */
  subscribe(fn: () => void): void;
  unsubscribe(fn: () => void): void;
}

/** Per-call facts an adapter needs beyond the OpenAI request itself. */
export interface CallContext {
  /** Aborted when the client disconnects or the router's timeout fires; adapters must pass it upstream. */
  readonly signal: AbortSignal;
  /** The same cancellation as `signal`, when the caller offers it as callbacks (cheaper). */
  readonly abort?: AbortHook;
  /** The model name to send upstream (after alias mapping); never the client's alias. */
  upstreamModel: string;
  /** Extra headers to propagate (e.g. W3C traceparent, x-request-id). */
  headers?: Record<string, string>;
  /**
   * Where an adapter keeps what the OpenAI format cannot carry between turns (Gemini thought
   * signatures, Anthropic signed thinking blocks), keyed by tool-call id: the state store (Redis
   * when replicas share it) already namespaced to the calling tenant, so one tenant's ids never
   * reach another's entries. Absent outside the request pipeline (tests, token counts).
   */
  readonly state?: KeyValueStore;
}

/**
 * One upstream kind (cluster runtime, OpenAI-compatible, Anthropic, Gemini) behind one interface.
 * Requests and responses are always OpenAI-shaped here; adapters translate on the wire.
 * Streams must not yield anything until the upstream has accepted the request, so that
 * errors before the first byte throw (and the router can fail over) instead of yielding.
 */
export interface ProviderAdapter {
  chat(req: ChatCompletionRequest, ctx: CallContext): Promise<ChatCompletion>;
  chatStream(req: ChatCompletionRequest, ctx: CallContext): Promise<AsyncIterable<ChatCompletionChunk>>;
  completions?(req: CompletionRequest, ctx: CallContext): Promise<TextCompletion>;
  completionsStream?(req: CompletionRequest, ctx: CallContext): Promise<AsyncIterable<TextCompletion>>;
  embed?(req: EmbeddingsRequest, ctx: CallContext): Promise<EmbeddingsResponse>;
  /** Frees connection pools. */
  close?(): Promise<void>;
}

/** An upstream failure already mapped to OpenAI's error shape, with what failover needs to know. */
export class UpstreamError extends Error {
  constructor(
    /** HTTP status to return to the client (upstream's, or 502/504 for network faults). */
    readonly status: number,
    readonly body: OpenAIErrorBody,
    /** True when another target may succeed (connect errors, 5xx, 429, overloaded, timeouts). */
    readonly retryable: boolean,
    /** Seconds, from the upstream's Retry-After when it sent one. */
    readonly retryAfter?: number,
  ) {
    super(body.error.message);
    this.name = "UpstreamError";
  }
}
