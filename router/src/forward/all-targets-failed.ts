import { HttpError } from "@llm/contracts";
import { UpstreamError } from "../providers/types.js";
import { type AttemptInput, overheadMs } from "./types.js";

/**
 * The error a client gets when no candidate answered. The guard's refusal wins when no target
 * was even tried (403 etc.); every tried target rate limited is a 429 with the last Retry-After;
 * otherwise 502 (targets failed) or 503 (none could be tried: circuits open).
 * `failures` lists each target's failure for the message.
 */
export function allTargetsFailed(
  a: AttemptInput,
  attempted: number,
  failures: readonly string[],
  lastError: UpstreamError | HttpError | undefined,
): HttpError {
  if (attempted === 0 && lastError instanceof HttpError) {
    a.outcome.status = lastError.status;
    return lastError;
  }
  const detail = failures.join("; ") || "no target accepted the request";
  if (
    lastError instanceof UpstreamError &&
    lastError.status === 429 &&
    failures.every((f) => f.includes(": 429 "))
  ) {
    a.outcome.status = 429;
    return new HttpError(429, `All targets are rate limited: ${detail}`, {
      code: "rate_limit_exceeded",
      headers: lastError.retryAfter !== undefined ? { "retry-after": String(lastError.retryAfter) } : {},
    });
  }
  const status = attempted === 0 ? 503 : 502;
  a.outcome.status = status;
  if (a.outcome.candidate) {
    a.res.setHeader("x-router-target", a.outcome.candidate.target.name);
    a.res.setHeader("x-router-reason", "all_targets_failed");
  }
  a.res.setHeader("x-router-overhead-ms", overheadMs(a));
  return new HttpError(status, `All targets failed: ${detail}`, {
    code: attempted === 0 ? "no_available_target" : "upstream_error",
  });
}
