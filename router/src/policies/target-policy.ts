import type { RetryClassName, TargetPolicy } from "@llm/contracts";
import type { RouterConfig } from "../config/schema.js";
import type { SameTargetRetries } from "../forward/context.js";
import { FAILURE_TABLE, type FailureRule } from "../forward/failover.js";
import type { Target } from "../targets/target.js";

/** What one target's attempts run under: deadlines, the failure table and same-target retries. */
export interface EffectivePolicy {
  requestTimeout: number;
  firstByteTimeout: number;
  table: readonly FailureRule[];
  retries?: SameTargetRetries;
}

/** Classes retried when a policy sets `retries` but no `retryOn`. */
const DEFAULT_RETRY_ON: readonly RetryClassName[] = ["server_error", "timeout", "unreachable"];

const tables = new Map<string, readonly FailureRule[]>();

/**
 * FAILURE_TABLE with the rows named in `retryOn` turned into `retry_same` (same condition,
 * same breaker effect, same name): retries are rows of the one table, the candidate loop
 * applies them (try-candidates.ts), and a retried row past its budget fails over as before.
 * Rows that return to the client or fall back are never retried.
 */
export function tableWithRetries(retryOn: readonly RetryClassName[]): readonly FailureRule[] {
  const key = [...retryOn].sort().join(",");
  let t = tables.get(key);
  if (!t) {
    const on = new Set<string>(retryOn);
    // `request_timeout` (408) is the upstream's own timeout: retried with `timeout`.
    if (on.has("timeout")) on.add("request_timeout");
    t = FAILURE_TABLE.map((row) =>
      on.has(row.rule) && row.action === "fail_over" ? { ...row, action: "retry_same" as const } : row,
    );
    tables.set(key, t);
  }
  return t;
}

function targetPolicyOf(t: Target): TargetPolicy {
  return (t.cluster ?? t.provider ?? {}) as TargetPolicy;
}

/**
 * The policy an attempt at `t` runs under: the group's fields over the target's over the global
 * defaults (server.requestTimeout, server.firstByteTimeout, no same-target retries).
 */
export function effectivePolicy(
  t: Target,
  server: Pick<RouterConfig["server"], "requestTimeout" | "firstByteTimeout">,
  group?: TargetPolicy,
): EffectivePolicy {
  const own = targetPolicyOf(t);
  const pick = <K extends keyof TargetPolicy>(k: K) => group?.[k] ?? own[k];
  const retries = pick("retries") ?? 0;
  const backoff = pick("retryBackoff") ?? 200;
  return {
    requestTimeout: pick("timeout") ?? server.requestTimeout,
    firstByteTimeout: pick("firstByteTimeout") ?? server.firstByteTimeout,
    table: retries > 0 ? tableWithRetries(pick("retryOn") ?? DEFAULT_RETRY_ON) : FAILURE_TABLE,
    retries:
      retries > 0
        ? {
            retries,
            minTimeoutMs: backoff,
            maxTimeoutMs: Math.max(backoff, Math.min(backoff * 2 ** retries, 10_000)),
          }
        : undefined,
  };
}
