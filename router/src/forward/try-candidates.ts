import { HttpError } from "@llm/contracts";
import pRetry from "p-retry";
import { conditionOfRule } from "../policies/route.js";
import { effectivePolicy } from "../policies/target-policy.js";
import { UpstreamError } from "../providers/types.js";
import { ClientClosedError } from "./abort.js";
import { allTargetsFailed } from "./all-targets-failed.js";
import { type AttemptReport, attempt } from "./attempt.js";
import type { ForwardDeps, Generation, SameTargetRetries } from "./context.js";
import { writeUpstreamError } from "./response-head.js";
import type { AttemptInput } from "./types.js";

/** Thrown inside p-retry to ask for another attempt at the same target. */
class RetrySame extends Error {}

/**
 * Runs `once` again while its verdict is `retry_same` and `policy` allows, with p-retry's
 * exponential backoff and jitter; returns the last report (a failure past the budget fails over).
 */
async function withRetries(
  once: () => Promise<AttemptReport | undefined>,
  policy: SameTargetRetries,
  onRetry: () => void,
): Promise<AttemptReport | undefined> {
  let last: AttemptReport | undefined;
  try {
    return await pRetry(
      async () => {
        last = await once();
        if (last?.failure?.verdict.action === "retry_same") throw new RetrySame();
        return last;
      },
      {
        retries: policy.retries,
        minTimeout: policy.minTimeoutMs ?? 200,
        maxTimeout: policy.maxTimeoutMs ?? 2000,
        factor: 2,
        randomize: true,
        onFailedAttempt: ({ retriesLeft }) => {
          if (retriesLeft > 0) onRetry();
        },
      },
    );
  } catch (err) {
    if (err instanceof RetrySame) return last;
    throw err;
  }
}

/** Ends the request with a failed attempt's answer: its error reply, unless nothing may or can be written. */
function returnToClient(
  a: AttemptInput,
  failure: NonNullable<AttemptReport["failure"]>,
  headers: Record<string, string>,
) {
  a.outcome.status = failure.error.status;
  // Mid-stream the error event already ended the stream; a gone client has nobody to answer.
  if (failure.error instanceof ClientClosedError || a.res.headersSent) return;
  writeUpstreamError(a.res, failure.error, headers);
}

/**
 * Tries the ranked candidates in order until one answers: the guard may refuse a target for
 * this tenant, an open circuit skips it, and each failed attempt's verdict (forward/failover.ts)
 * says whether to retry it, fail over to the next, or return to the client. When nothing
 * answered, throws the error the client gets (never an empty 200).
 */
export async function tryCandidates(deps: ForwardDeps, gen: Generation, a: AttemptInput): Promise<void> {
  for (;;) {
    const end = await tryLeg(deps, gen, a);
    if (!end) return;
    // A declared fallback chain (policies/route.ts) takes over where the group's candidates ended.
    const condition = conditionOfRule(end.rule);
    const next = condition && !a.res.headersSent ? a.decision?.fallBack(condition) : undefined;
    if (!next) {
      // An error after a fallback still says which chain the request went down.
      if (a.decision?.condition && !a.res.headersSent)
        a.res.setHeader("x-router-fallback", a.decision.condition);
      return end.finish();
    }
    a.candidates = next.candidates;
    a.overflow = next.overflow;
  }
}

/** How a leg (one group's candidates) ended without an answer: its rule, and how to end the request. */
interface LegEnd {
  rule?: string;
  finish: () => void;
}

/** One pass over `a.candidates`; undefined when the request was answered (or ended mid-stream). */
async function tryLeg(deps: ForwardDeps, gen: Generation, a: AttemptInput): Promise<LegEnd | undefined> {
  const { server } = gen.config;
  let lastError: UpstreamError | HttpError | undefined;
  let attempted = 0;
  const failures: string[] = [];

  let lastRule: string | undefined;
  // The overflow candidate joins only after a "saturated" verdict: a full pool spills even when
  // the retry budget is spent (maxRetries: 0), and nothing else reaches past the budget.
  const spill = a.overflow;
  const ordered = spill ? [...a.candidates, spill] : a.candidates;
  for (const cand of ordered) {
    if (cand === spill && lastRule !== "saturated") break;
    const t = cand.target;
    try {
      // A promise only for a target with limits of its own: no await on the common path.
      const authorizing = deps.guard.authorizeTarget(a.outcome.tenant, t.name);
      if (authorizing) await authorizing;
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      lastError ??= err;
      continue;
    }
    // Timeouts, retryOn rows and retries: the group's policy over the target's over the defaults.
    const pol = effectivePolicy(t, server, a.decision?.group.policy);
    const table = deps.failureRules?.(t) ?? pol.table;
    const reason = cand === spill ? "overflow" : attempted > 0 ? "failover" : cand.reason;
    const once = (): Promise<AttemptReport | undefined> => {
      if (!t.breaker.tryAcquire()) return Promise.resolve(undefined);
      attempted++;
      a.outcome.candidate = cand;
      a.outcome.experiment = a.decision?.experimentFor(cand);
      a.outcome.reason = reason;
      return attempt(deps, a, cand, reason, pol, table);
    };
    const policy = deps.sameTargetRetries?.(t) ?? pol.retries;
    const report =
      policy && policy.retries > 0
        ? await withRetries(once, policy, () => deps.metrics.retries.inc({ target: t.name }))
        : await once();
    if (!report) {
      failures.push(`${t.name}: circuit open`);
      continue;
    }
    const failure = report.failure;
    if (!failure) return;
    const { action, rule } = failure.verdict;
    lastRule = rule;
    // A failure after the response head went out can only end that response, whatever a table says.
    // fall_back: a declared chain may take it (tryCandidates); without one the answer goes back as it is.
    if (action === "fall_back" && !a.res.headersSent)
      return { rule, finish: () => returnToClient(a, failure, report.headers) };
    if (action === "return_to_client" || action === "fall_back" || a.res.headersSent) {
      returnToClient(a, failure, report.headers);
      return;
    }
    // fail_over, and retry_same once the target's retry budget (if any) is spent.
    const err = failure.error;
    if (err instanceof UpstreamError) lastError = err;
    failures.push(`${t.name}: ${err.status} ${err.message}`);
    deps.metrics.retries.inc({ target: t.name });
    deps.events?.publish({
      type: "failover",
      time: new Date(deps.now()).toISOString(),
      requestId: a.outcome.requestId,
      tenant: a.outcome.tenant.tenantId,
      from: t.name,
      status: err.status,
      rule,
    });
    deps.logger.warn(
      { target: t.name, status: err.status, rule, requestId: a.outcome.requestId },
      "upstream failed; failing over",
    );
  }
  return {
    rule: lastRule,
    finish: () => {
      throw allTargetsFailed(a, attempted, failures, lastError);
    },
  };
}
