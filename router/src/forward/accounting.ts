import { referenceCostUsd, savedUsd, type TokenPrice, type Usage } from "@llm/contracts";
import { decisionEvent } from "../events/decision.js";
import { cacheTokensOf } from "../pricing/cache-pricing.js";
import type { Candidate } from "../routing/strategies.js";
import type { Reservation, TenantContext } from "../tenants/types.js";
import type { CacheResult } from "../usage/types.js";
import type { ForwardDeps } from "./context.js";

export interface Outcome {
  requestId: string;
  tenant: TenantContext;
  reservation?: Reservation;
  model: string;
  /** Candidate that answered (or the last one tried); undefined when nothing was tried. */
  candidate?: Candidate;
  usage?: Usage;
  status: number;
  stream: boolean;
  startedAt: number;
  /** Endpoint the client called (`chat`, `completions`, `embeddings`, …). */
  endpoint?: string;
  /** What each capable external would bill for this request: the all-external reference. */
  referencePrices?: readonly TokenPrice[];
  /** When the first event of a stream (or the whole answer) came back, on deps.now()'s clock. */
  firstByteAt?: number;
  /** Experiment and arm of the candidate that answered (policies/route.ts). */
  experiment?: { id: string; arm: string };
  /** What the response cache did; on a hit, the stored answer's producer and what the hit cost and saved. */
  cache?: CacheOutcome;
  /** The request offered tools (`llm_router_tool_requests_total`). */
  tools?: boolean;
  /** Tool calls in the answer (`llm_router_tool_calls_total`). */
  toolCalls?: number;
  /** `x-router-reason` of the attempt that answered (set by try-candidates). */
  reason?: string;
  /** The last user message, only for tenants that opted in (events/prompt.ts). */
  prompt?: string;
}

/** The response cache's part of an outcome (cache/response-cache.ts). */
export interface CacheOutcome {
  result: CacheResult;
  /** Set when the answer was served from the cache. */
  hit?: {
    /** Target and model that produced the stored answer. */
    target: string;
    upstreamModel: string;
    /** What the hit is charged (`hitCostFraction` of the stored cost; 0 by default) and what it saved. */
    costUsd: number;
    savedUsd: number;
  };
}

/**
 * Books a finished request everywhere it must be counted: metrics, spend, the tenant's
 * reservation and the usage sink. Runs on every outcome, success or failure, exactly once.
 */
export async function settle(deps: ForwardDeps, o: Outcome): Promise<void> {
  const { metrics } = deps;
  const latencyMs = deps.now() - o.startedAt;
  // A cache hit went to no target: metrics and provider limits book it as `cache`.
  const hit = o.cache?.hit;
  const target = o.candidate?.target.name ?? (hit ? "cache" : "none");
  const prompt = o.usage?.prompt_tokens ?? 0;
  const completion = o.usage?.completion_tokens ?? 0;
  const cache = cacheTokensOf(o.usage);
  const costUsd = o.candidate
    ? o.candidate.target.actualCost(o.candidate.upstreamModel, prompt, completion, cache)
    : (hit?.costUsd ?? 0);
  metrics.requests.inc({ target, status: String(o.status) });
  metrics.duration.observe({ target }, latencyMs / 1000);
  if (prompt > 0 && !hit) metrics.tokens.inc({ target, type: "prompt" }, prompt);
  if (completion > 0 && !hit) metrics.tokens.inc({ target, type: "completion" }, completion);
  if (costUsd > 0) metrics.cost.inc({ target }, costUsd);
  if (o.tools) metrics.toolRequests.inc({ target });
  if (o.toolCalls) metrics.toolCalls.inc({ target }, o.toolCalls);
  try {
    await o.reservation?.settle({ promptTokens: prompt, completionTokens: completion, costUsd, target });
  } catch (err) {
    deps.logger.error(
      { err: (err as Error).message, requestId: o.requestId },
      "settling the reservation failed",
    );
  }
  const derived = reckoning(o, prompt, completion, cache, costUsd);
  try {
    await deps.usage.record({
      timestamp: o.startedAt,
      requestId: o.requestId,
      tenantId: o.tenant.tenantId,
      keyId: o.tenant.keyId,
      target: hit?.target ?? target,
      model: o.model,
      upstreamModel: o.candidate?.upstreamModel ?? hit?.upstreamModel ?? "",
      promptTokens: prompt,
      completionTokens: completion,
      ...(cache.cacheReadTokens ? { cacheReadTokens: cache.cacheReadTokens } : {}),
      ...(cache.cacheWriteTokens ? { cacheWriteTokens: cache.cacheWriteTokens } : {}),
      costUsd,
      ...(o.experiment ? { experiment: o.experiment } : {}),
      ...derived,
      latencyMs,
      status: o.status,
      stream: o.stream,
    });
  } catch (err) {
    deps.logger.error({ err: (err as Error).message, requestId: o.requestId }, "recording usage failed");
  }
  // The decision event (events/schema.ts): queued, never awaited by the request.
  deps.events?.publish(
    decisionEvent(
      {
        requestId: o.requestId,
        tenantId: o.tenant.tenantId,
        keyId: o.tenant.keyId,
        model: o.model,
        upstreamModel: o.candidate?.upstreamModel ?? "",
        target,
        reason: o.reason ?? o.candidate?.reason ?? "",
        status: o.status,
        endpoint: o.endpoint,
        stream: o.stream,
        startedAt: o.startedAt,
        promptTokens: prompt,
        completionTokens: completion,
        cacheReadTokens: cache.cacheReadTokens,
        cacheWriteTokens: cache.cacheWriteTokens,
        cacheResult: o.cache?.result,
        experiment: o.experiment,
        prompt: o.prompt,
        costUsd,
        savedUsd: typeof derived.savedUsd === "number" ? derived.savedUsd : undefined,
        latencyMs,
        timeToFirstTokenMs:
          typeof derived.timeToFirstTokenMs === "number" ? derived.timeToFirstTokenMs : undefined,
      },
      deps.now(),
    ),
  );
}

/**
 * The record's derived fields: the endpoint, time to first token, marginal cost (what serving it
 * added: 0 on an idle always-on pool) and the saving against the all-external reference price
 * (packages/contracts pricing/reference.ts, the definition bench:savings uses too).
 */
function reckoning(
  o: Outcome,
  prompt: number,
  completion: number,
  cache: { cacheReadTokens?: number; cacheWriteTokens?: number },
  costUsd: number,
): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  if (o.endpoint) out.endpoint = o.endpoint;
  if (o.cache) out.cacheResult = o.cache.result;
  if (o.cache?.hit) out.cacheSavedUsd = o.cache.hit.savedUsd;
  if (o.firstByteAt !== undefined) out.timeToFirstTokenMs = o.firstByteAt - o.startedAt;
  if (o.status !== 200 || !o.candidate) return out;
  const marginal = (o.candidate.marginalPer1K * (prompt + completion)) / 1000;
  if (Number.isFinite(marginal)) out.marginalUsd = marginal;
  if (o.referencePrices?.length)
    out.savedUsd = savedUsd(referenceCostUsd(o.referencePrices, prompt, completion, cache), costUsd);
  return out;
}
