/** Options and handle of the fake OpenAI server (fake-openai.ts). */
import type { FakeServer } from "../http/fake-server.js";
import type { LogNormal } from "../random/prng.js";

/** Faults a test can switch a fake into; each applies to the next requests until changed. */
export type FakeMode =
  | "ok"
  | "fail500"
  | "fail429"
  | "fail400"
  | "hang"
  | "die-mid-stream"
  | "die-before-first";

/** One function call a fake answers with. */
export interface FakeToolCall {
  /** Defaults to `call_<n>` (n: its position). */
  id?: string;
  name: string;
  /** The arguments as JSON text. */
  arguments: string;
}

export interface FakeOpenAIOptions {
  /** Name in seeds, `owned_by` and error messages. Defaults to `fake`. */
  name?: string;
  /** Model id reported in answers and `/v1/models`. Defaults to the request's `model`. */
  model?: string;
  /**
   * API path prefix, matched exactly (`/v1`). Unset: any path ending in `/chat/completions`,
   * `/completions` or `/embeddings` is served (Azure deployment paths included).
   */
  prefix?: string;
  /** Required `Authorization: Bearer <apiKey>` (401 otherwise). */
  apiKey?: string;
  /** Require the cluster HMAC signature with this secret (401 otherwise), as the runtime does. */
  hmacSecret?: string;
  /**
   * Where a chat stream says `role: "assistant"`: in a content-free first chunk as OpenAI sends it
   * (`separate`, the default), or on the first piece as llama.cpp-style servers do (`first-piece`).
   */
  roleChunk?: "separate" | "first-piece";
  /**
   * Function calls answered instead of text when the request lists `tools` (and its tool_choice is
   * not "none"): `message.tool_calls` with finish_reason `tool_calls`, or streamed as
   * `delta.tool_calls` (a header delta with id and name, then the arguments in two fragments).
   */
  toolCalls?: FakeToolCall[];
  /** Reasoning text answered as `reasoning_content` (llama-server's field) before the answer. */
  reasoning?: string;
  /** Keep every request in `received`. Defaults to true; long bench runs turn it off. */
  record?: boolean;
  /** Fixed answer pieces (`pieces` replies). */
  pieces?: string[];
  /** Seed of every random draw: with it, replies are `seeded` (needs `ttftMs` and `perTokenMs`). */
  seed?: number;
  /** Seeded time to first token (ms). */
  ttftMs?: LogNormal;
  /** Seeded time between tokens (ms). */
  perTokenMs?: LogNormal;
  /** Seeded fraction of requests failing with 503 before any byte. Defaults to 0. */
  errorRate?: number;
  /** Seeded completion length range; capped by max_tokens. */
  outputTokens?: { min: number; max: number };
  /** Multiplies every seeded delay; < 1 compresses time for fast tests. Defaults to 1. */
  timeScale?: number;
  /**
   * Starts ready. Not ready (a runtime still loading, a pool scaled to zero): `/health` answers 503
   * `{"status":"loading","ready":false}` and generation requests get 503. Defaults to true.
   */
  ready?: boolean;
  /** `/health` answer instead of the default (`{status:"ok", ready:true, queueDepth, model}`). */
  health?: () => { status: number; body: unknown };
  /**
   * The vector `/v1/embeddings` answers for each input (tests that need controlled similarities).
   * Defaults to `[0.1, 0.2, 0.3]` for every input.
   */
  embed?: (input: string, model: string) => number[];
  /** Prometheus text served at `/metrics` (after the load lines, when those are on). */
  metrics?: () => string;
  /**
   * Prefix `/metrics` with `llm_fake_requests_total` and `llm_runtime_queue_depth` (in flight), as a
   * runtime under load reports. Defaults to true for seeded fakes, false otherwise.
   */
  loadMetrics?: boolean;
}

/** A running fake OpenAI server. `mode`, `delayMs`, `ready` and `failNext` may change mid-test. */
export interface FakeOpenAI extends FakeServer, AsyncDisposable {
  /** Origin (`http://127.0.0.1:port`), for `/health` and `/metrics`. */
  readonly origin: string;
  /** Base URL of the API, origin plus prefix (`/v1` when none is set). */
  readonly baseURL: string;
  mode: FakeMode;
  /** Delay before answering each recorded request, ms. */
  delayMs: number;
  ready: boolean;
  /** Generation requests (chat and completions) received so far. */
  readonly requests: number;
  /** Completion tokens answered so far. */
  readonly completionTokens: number;
  /** Requests being served right now. */
  readonly inFlight: number;
  /** Responses whose client went away before the end. */
  readonly abortedCount: number;
  /** Lets in-flight responses finish (2 s at most), then stops. */
  close(): Promise<void>;
  /** Refuses new connections and destroys open ones, mid-stream included. */
  kill(): Promise<void>;
}
