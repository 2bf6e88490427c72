import { errorBody } from "@llm/contracts";
import { UpstreamError } from "../providers/types.js";
import { AttemptTimeoutError, ClientClosedError } from "./abort.js";

/**
 * The failure classification table: what the router does after one attempt at one target
 * failed. One table, read top to bottom, first matching row wins; later issues add rows (and
 * per-target tables) instead of touching the loop that applies them (forward/try-candidates.ts).
 * router/README.md § Failover documents it.
 */

/** What to do next. */
export type FailoverAction =
  /** Try the same target again, after a backoff, while its retry budget lasts (then fail over). */
  | "retry_same"
  /** Try the next ranked candidate. */
  | "fail_over"
  /**
   * Go to a declared fallback (traffic-policies issue: context-window, content-policy chains).
   * No fallbacks exist yet, so it answers as `return_to_client` does.
   */
  | "fall_back"
  /** Stop: the client gets this answer (an error reply, or an error event ending its stream). */
  | "return_to_client";

/** What the failure says about the target's health, for its circuit breaker. */
export type BreakerEffect =
  /** Counts as a failure (consecutive failures open the circuit). */
  | "trip"
  /** The target answered as a healthy one would (busy, or the request's own fault): a success. */
  | "healthy"
  /** Says nothing about the target: a half-open trial is given back, nothing is counted. */
  | "neutral";

/** Where in the exchange the attempt failed. */
export type FailurePhase =
  /** Before the upstream answered (non-streamed answers: before the answer was read). */
  | "before_first_byte"
  /** The upstream accepted a stream but failed before its first event; nothing reached the client. */
  | "first_event"
  /** After the client got the stream's head and events. */
  | "mid_stream";

export type FailureCause =
  /** The client closed its connection. */
  | "client_gone"
  /** The router's deadline (first byte, idle gap, total) or the transport's own timeout. */
  | "timeout"
  /** No connection: refused, reset, DNS. */
  | "unreachable"
  /** A cluster refused the router's credentials (401/403 with HMAC or mTLS): our misconfiguration. */
  | "credentials_rejected"
  /** The upstream answered with an error status or an error event. */
  | "status";

/** The facts about one failed attempt that the table is read with. */
export interface AttemptFailure {
  phase: FailurePhase;
  cause: FailureCause;
  /** HTTP status relayed to the client (499 for a gone client, 502/504 for transport faults). */
  status: number;
  /** OpenAI-style error code (`context_length_exceeded`, `upstream_timeout`, …), if any. */
  code: string | null;
  /** Seconds, from the upstream's Retry-After. */
  retryAfter?: number;
}

/** The traffic-policies issue's fallback conditions that rows here already name. */
export type FallbackCondition = "context_window" | "content_policy";

export interface FailureRule {
  /** The row's name: in logs, tests and router/README.md § Failover. */
  rule: string;
  when: (f: AttemptFailure) => boolean;
  action: FailoverAction;
  breaker: BreakerEffect;
  /** For `fall_back` rows: which fallback chain condition this is. */
  condition?: FallbackCondition;
}

export type Verdict = Pick<FailureRule, "rule" | "action" | "breaker" | "condition">;

/**
 * Error codes of a provider's content filter refusing the prompt: Azure OpenAI answers 400
 * `content_filter` (its content-filtering docs), OpenAI 400 `content_policy_violation`.
 */
const CONTENT_POLICY_CODES = new Set(["content_filter", "content_policy_violation"]);

export const FAILURE_TABLE: readonly FailureRule[] = [
  // The upstream call is aborted; nobody is left to answer, and it says nothing about the target.
  {
    rule: "client_gone",
    when: (f) => f.cause === "client_gone" && f.phase !== "mid_stream",
    action: "return_to_client",
    breaker: "neutral",
  },
  // The target was streaming fine when the client left.
  {
    rule: "client_gone_mid_stream",
    when: (f) => f.cause === "client_gone",
    action: "return_to_client",
    breaker: "healthy",
  },
  // Bytes reached the client: never fail over (the answer would be spliced); the stream ends with an error event.
  { rule: "mid_stream", when: (f) => f.phase === "mid_stream", action: "return_to_client", breaker: "trip" },
  // Overflow: a cluster runtime whose sequences are all busy and whose wait queue is full
  // (runtime/src/engine/slots.ts: 429 `queue_full`). The pool is healthy and saturated; the
  // request spills to the next ranked target instead of the client getting the 429
  // (router/README.md § Cost model). Kept apart from rate_limited so logs and tests name it.
  {
    rule: "saturated",
    when: (f) => f.status === 429 && f.code === "queue_full",
    action: "fail_over",
    breaker: "healthy",
  },
  // Busy, not broken; Retry-After is kept for the 429 answered when every target is rate limited.
  { rule: "rate_limited", when: (f) => f.status === 429, action: "fail_over", breaker: "healthy" },
  // The stream died (or sent an error event) before anything reached the client, so failing over is still clean.
  { rule: "first_event", when: (f) => f.phase === "first_event", action: "fail_over", breaker: "trip" },
  {
    rule: "context_window",
    when: (f) => f.status === 400 && f.code === "context_length_exceeded",
    action: "fall_back",
    breaker: "healthy",
    condition: "context_window",
  },
  {
    rule: "content_policy",
    when: (f) => f.status === 400 && f.code !== null && CONTENT_POLICY_CODES.has(f.code),
    action: "fall_back",
    breaker: "healthy",
    condition: "content_policy",
  },
  { rule: "timeout", when: (f) => f.cause === "timeout", action: "fail_over", breaker: "trip" },
  { rule: "unreachable", when: (f) => f.cause === "unreachable", action: "fail_over", breaker: "trip" },
  {
    rule: "credentials_rejected",
    when: (f) => f.cause === "credentials_rejected",
    action: "fail_over",
    breaker: "trip",
  },
  { rule: "request_timeout", when: (f) => f.status === 408, action: "fail_over", breaker: "trip" },
  // 5xx, Anthropic's 529 (relayed as 503, Retry-After kept), a target lacking the endpoint (501).
  { rule: "server_error", when: (f) => f.status >= 500, action: "fail_over", breaker: "trip" },
  // Any other 4xx is the request's fault: every target would refuse it, and this one is healthy.
  { rule: "client_error", when: () => true, action: "return_to_client", breaker: "healthy" },
];

/** The first row of `table` that matches `failure`. */
export function classifyFailure(
  failure: AttemptFailure,
  table: readonly FailureRule[] = FAILURE_TABLE,
): Verdict {
  for (const row of table) if (row.when(failure)) return row;
  // Tables end with a catch-all; one that does not still never leaves a failure unanswered.
  return { rule: "unclassified", action: "return_to_client", breaker: "trip" };
}

/** An attempt's error as the router handles it: an upstream error, or the client being gone. */
export type AttemptError = UpstreamError | ClientClosedError;

/** Our own deadlines become retryable 504s; anything unknown a 502; upstream errors stay as they are. */
export function asAttemptError(err: unknown, target: string): AttemptError {
  if (err instanceof UpstreamError || err instanceof ClientClosedError) return err;
  if (err instanceof AttemptTimeoutError)
    return new UpstreamError(
      504,
      errorBody(504, `upstream ${target} timed out (${err.phase.replace("_", " ")})`, {
        code: "upstream_timeout",
      }),
      true,
    );
  return new UpstreamError(
    502,
    errorBody(502, `upstream ${target} failed`, { code: "upstream_error" }),
    true,
  );
}

/** Error codes the adapters give transport failures (see providers/errors.ts, cluster/wire-errors.ts). */
const UNREACHABLE_CODES = new Set(["upstream_unreachable", "upstream_unavailable"]);

/** The facts the table reads from an attempt's error and the phase it failed in. */
export function failureOf(err: AttemptError, phase: FailurePhase): AttemptFailure {
  if (err instanceof ClientClosedError) return { phase, cause: "client_gone", status: 499, code: null };
  const code = err.body.error.code;
  const cause: FailureCause =
    code === "upstream_timeout"
      ? "timeout"
      : code !== null && UNREACHABLE_CODES.has(code)
        ? "unreachable"
        : code === "upstream_auth_failed"
          ? "credentials_rejected"
          : "status";
  return { phase, cause, status: err.status, code, retryAfter: err.retryAfter };
}
