/**
 * What the fake OpenAI server answers: the text pieces, usage and timing of one reply. Three kinds,
 * chosen by the server's options: `echo` (the last user message back, for wire-translation tests),
 * `pieces` (fixed pieces, for routing tests that check who answered) and `seeded` (token counts,
 * latency and errors drawn from a seed per request id, for benches that replay load).
 */
import { hashSeed, intBetween, type LogNormal, lognormal, mulberry32 } from "../random/prng.js";

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** One reply, before it is written as JSON or SSE. */
export interface Reply {
  id: string;
  created: number;
  pieces: string[];
  finishReason: "stop" | "length" | "tool_calls";
  usage: Usage;
  /** Wait before the first byte, ms (unscaled). */
  firstMs: number;
  /** Wait before each piece after the first, ms (unscaled); none: yield to the event loop only. */
  gapsMs?: number[];
  /** Seeded error draw: answer 503 after `firstMs` instead. */
  fail?: boolean;
}

/** Latency, length and error model of a seeded fake (the bench's mock targets). */
export interface SeededModel {
  /** Name mixed into the seed so two fakes with one seed still differ. */
  name: string;
  seed: number;
  /** Time to first token (ms). */
  ttftMs: LogNormal;
  /** Time between tokens (ms). */
  perTokenMs: LogNormal;
  /** Fraction of requests failing with 503 before any byte, 0..1. Defaults to 0. */
  errorRate?: number;
  /** Completion length range; capped by max_tokens. Defaults to max_tokens (or 16 without it). */
  outputTokens?: { min: number; max: number };
}

/** The request fields replies look at (already validated by the server). */
export interface ReplyInput {
  kind: "chat" | "completion";
  /** The last message's content (chat) or the prompt (completion). */
  text: unknown;
  /** Characters of every message (chat) or of the prompt, for seeded prompt-token counts. */
  promptChars: number[];
  maxTokens?: number;
  /** `x-bench-request-id` or a per-server counter: keys the seeded draws. */
  requestId: string;
}

/** Rough token estimate: 4 characters per token, as OpenAI's rule of thumb. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

const fixedId = (kind: ReplyInput["kind"]) => (kind === "chat" ? "chatcmpl-1" : "cmpl-1");

/** `echo: <text>` with constant usage, so a test sees its request arrived intact. */
export function echoReply(input: ReplyInput): Reply {
  return {
    id: fixedId(input.kind),
    created: 1,
    pieces: [`echo: ${input.text}`],
    finishReason: "stop",
    usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
    firstMs: 0,
  };
}

/** The given pieces, one per token, with 11 prompt tokens. */
export function piecesReply(input: ReplyInput, pieces: string[]): Reply {
  return {
    id: fixedId(input.kind),
    created: 1,
    pieces,
    finishReason: "stop",
    usage: { prompt_tokens: 11, completion_tokens: pieces.length, total_tokens: 11 + pieces.length },
    firstMs: 0,
  };
}

/**
 * Tokens `t0 t1 …` with drawn length, time to first token, gaps and error. The request id keys the
 * random stream, so the same request gets the same fate whatever order concurrent requests arrive in.
 */
export function seededReply(input: ReplyInput, m: SeededModel): Reply {
  const rand = mulberry32(hashSeed(m.seed, m.name, input.requestId));
  const firstMs = lognormal(rand, m.ttftMs);
  const fail = rand() < (m.errorRate ?? 0);
  const cap = input.maxTokens ?? 16;
  const range = m.outputTokens ?? { min: cap, max: cap };
  const n = Math.max(1, Math.min(cap, intBetween(rand, range.min, Math.max(range.min, range.max))));
  const gaps = Array.from({ length: n }, () => lognormal(rand, m.perTokenMs));
  const promptTokens = input.promptChars.reduce((a, chars) => a + estimateTokens("x".repeat(chars)), 0);
  return {
    id: `${input.kind === "chat" ? "chatcmpl" : "cmpl"}-${m.name}-${input.requestId}`,
    created: Math.floor(Date.now() / 1000),
    pieces: Array.from({ length: n }, (_, i) => `t${i} `),
    finishReason: n >= cap ? "length" : "stop",
    usage: { prompt_tokens: promptTokens, completion_tokens: n, total_tokens: promptTokens + n },
    firstMs,
    // The first piece goes out right after the time to first token; its own gap is not waited.
    gapsMs: gaps,
    fail,
  };
}
