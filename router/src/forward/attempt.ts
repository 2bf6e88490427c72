import type { RouterConfig } from "../config/schema.js";
import type { CircuitBreaker } from "../health/breaker.js";
import { cacheTokensOf } from "../pricing/cache-pricing.js";
import { usdText } from "../pricing/usd-text.js";
import type { Candidate } from "../routing/strategies.js";
import { AttemptContext, AttemptSignal } from "./abort.js";
import { callAdapter } from "./call-adapter.js";
import type { ForwardDeps } from "./context.js";
import {
  type AttemptError,
  asAttemptError,
  type BreakerEffect,
  classifyFailure,
  FAILURE_TABLE,
  type FailurePhase,
  type FailureRule,
  failureOf,
  type Verdict,
} from "./failover.js";
import { pipeStream } from "./pipe-stream.js";
import { openEventStream, writeJsonAnswer } from "./response-head.js";
import { toolCallsIn } from "./tool-calls.js";
import { type AttemptInput, overheadMs, type StreamChunk } from "./types.js";
import { asUsage, estimateOutputTokens } from "./usage.js";

/** How one attempt ended. */
export interface AttemptReport {
  /** Undefined when the client got the answer (or its stream, to the end or until it left). */
  failure?: { error: AttemptError; phase: FailurePhase; verdict: Verdict };
  /** The attempt's routing headers, for an error reply written after it. */
  headers: Record<string, string>;
}

function book(breaker: CircuitBreaker, effect: BreakerEffect): void {
  if (effect === "trip") breaker.onFailure();
  else if (effect === "healthy") breaker.onSuccess();
  else breaker.release();
}

/**
 * One attempt at one candidate, its circuit already passed: call the adapter under the
 * router's deadlines (whole request, or first byte then idle gaps for streams), and answer the
 * client — the JSON answer, or the stream from its first event on. A failure is classified by
 * `table` and returned, never thrown; the target's breaker, in-flight count, latency and
 * metrics are booked here either way. `reason` is the attempt's `x-router-reason`.
 */
export async function attempt(
  deps: ForwardDeps,
  a: AttemptInput,
  cand: Candidate,
  reason: string,
  server: Pick<RouterConfig["server"], "requestTimeout" | "firstByteTimeout">,
  table: readonly FailureRule[] = FAILURE_TABLE,
): Promise<AttemptReport> {
  const t = cand.target;
  const { metrics } = deps;
  const headers: Record<string, string> = {
    "x-router-target": t.name,
    "x-router-reason": reason,
    ...a.decision?.headersFor(cand),
  };
  metrics.routingDecisions.inc({ target: t.name, type: t.kind, reason });
  const sig = new AttemptSignal(a.client);
  const ctx = new AttemptContext(
    sig,
    cand.upstreamModel,
    a.propagate,
    deps.providerState && { store: deps.providerState, tenantId: a.outcome.tenant.tenantId },
  );
  const started = deps.now();
  const callStart = performance.now();
  let waited = false;
  /** Books the time this attempt spent waiting on its upstream (once) and stamps the overhead header. */
  const upstreamAnswered = () => {
    if (!waited) a.upstreamMs += performance.now() - callStart;
    waited = true;
    headers["x-router-overhead-ms"] = overheadMs(a);
  };
  let phase: FailurePhase = "before_first_byte";
  let status = 0;
  let report: AttemptReport = { headers };
  t.acquire();
  try {
    if (!a.profile.stream) {
      // The target's (or its group's) `timeout` is already in `server` (policies/target-policy.ts).
      sig.arm(server.requestTimeout, "total");
      // An inbound API's exchange makes the call and translates the answer (inbound/shared/).
      const answered = a.exchange ? await a.exchange.answer(cand, ctx) : undefined;
      const result = (answered?.body ?? (await callAdapter(t.adapter, a.kind, false, a.body, ctx))) as {
        usage?: unknown;
        choices?: unknown[];
      };
      sig.dispose();
      upstreamAnswered();
      status = 200;
      t.latency.observe(deps.now() - started);
      const usage = answered?.usage ??
        asUsage(result.usage) ?? {
          prompt_tokens: a.profile.promptTokens,
          completion_tokens: estimateOutputTokens(result),
          total_tokens: 0,
        };
      a.outcome.usage = usage;
      a.outcome.toolCalls = toolCallsIn(result);
      a.outcome.status = 200;
      a.outcome.firstByteAt = deps.now();
      // An unpriced model gets no header rather than a cost of 0 it did not have; a priced one
      // the same figure the ledger books (cache reads and writes at their own rates).
      if (Number.isFinite(t.estimateCost(cand.upstreamModel, usage.prompt_tokens, usage.completion_tokens)))
        headers["x-router-cost-usd"] = usdText(
          t.actualCost(
            cand.upstreamModel,
            usage.prompt_tokens,
            usage.completion_tokens,
            cacheTokensOf(usage),
          ),
        );
      writeJsonAnswer(a.res, result, headers);
      a.capture?.json(result);
      return report;
    }
    sig.arm(server.firstByteTimeout, "first_byte");
    const stream = (
      a.exchange
        ? await a.exchange.stream(cand, ctx)
        : await callAdapter(t.adapter, a.kind, true, a.body, ctx)
    ) as AsyncIterable<StreamChunk>;
    const it = stream[Symbol.asyncIterator]();
    // Reading the first event before answering keeps failover possible if the upstream dies at once.
    phase = "first_event";
    const head = await it.next();
    upstreamAnswered();
    status = 200;
    a.outcome.firstByteAt = deps.now();
    const ttft = a.outcome.firstByteAt - started;
    t.latency.observe(ttft);
    metrics.ttft.observe({ target: t.name }, ttft / 1000);
    a.outcome.status = 200;
    phase = "mid_stream";
    await pipeStream(deps, a, it, head, sig, server.firstByteTimeout, openEventStream(a.res, headers));
    return report;
  } catch (raw) {
    const error = asAttemptError(raw, t.name);
    const failure = failureOf(error, phase);
    if (phase !== "mid_stream" && failure.cause !== "client_gone") {
      upstreamAnswered();
      status = error.status;
    }
    report = { headers, failure: { error, phase, verdict: classifyFailure(failure, table) } };
    return report;
  } finally {
    sig.dispose();
    t.release();
    book(t.breaker, report.failure ? report.failure.verdict.breaker : "healthy");
    if (t.kind === "external")
      metrics.externalRequests.inc({ provider: t.name, model: cand.upstreamModel, status: String(status) });
  }
}
