/**
 * How the response cache turns a stored answer back into a stream, and a finished stream into an
 * answer to store, per endpoint. Every entry holds the endpoint's non-streamed answer (JSON text),
 * so a streamed and a non-streamed request share it; each format says how to fold its stream's
 * events into that answer and how to replay it as a well-formed stream of its own wire format.
 *
 * Adding an endpoint (`/v1/messages`, `/v1/responses`) never touches the cache: its module calls
 * `registerReplayFormat("messages", format)` once at load, with the endpoint kind the request path
 * reports. An endpoint with no format is still cached for non-streamed requests, and a streamed
 * request to it bypasses the cache.
 */

/** One Server-Sent Event: `event: <event>` when named (Anthropic, Responses), then `data: <data>`. */
export interface ReplayEvent {
  event?: string;
  data: string;
}

/** Folds one stream's events, in order, into the endpoint's non-streamed answer. */
export interface StreamCollector {
  /**
   * One stream item as the attempt pipes it, in order: a chat chunk for `chat`, a text completion
   * chunk for `completions`, an inbound API's item (with its `frames`) for `messages` / `responses`.
   */
  add(event: unknown): void;
  /** The whole answer once the stream completed; undefined when it cannot be rebuilt (not stored). */
  answer(): object | undefined;
}

/** What a replay needs to know about the request it answers. */
export interface ReplayOptions {
  /** The client asked for usage in the stream (OpenAI `stream_options.include_usage`). */
  includeUsage: boolean;
}

export interface ReplayFormat {
  /** A collector for one streamed miss. */
  collector(): StreamCollector;
  /** The events that replay `answer` (a stored non-streamed answer), terminator included. */
  replay(answer: object, opts: ReplayOptions): Iterable<ReplayEvent>;
  /**
   * The non-streamed body served on a hit; defaults to the stored text unchanged. A format whose
   * answers carry ids that must be fresh per response (`/v1/responses`) rewrites them here.
   */
  rewrite?(answer: object): object;
}

const formats = new Map<string, ReplayFormat>();

/** Makes `format` the replay format of endpoint `kind` (the last registration wins). */
export function registerReplayFormat(kind: string, format: ReplayFormat): void {
  formats.set(kind, format);
}

/** The replay format of endpoint `kind`, if one is registered. */
export function replayFormatFor(kind: string): ReplayFormat | undefined {
  return formats.get(kind);
}
