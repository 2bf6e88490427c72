import type { Usage } from "@llm/contracts";
import { cacheTokensOf } from "../pricing/cache-pricing.js";
import type { Candidate } from "../routing/strategies.js";
import type { Reservation, TenantContext } from "../tenants/types.js";
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
}

/**
 * Books a finished request everywhere it must be counted: metrics, spend, the tenant's
 * reservation and the usage sink. Runs on every outcome, success or failure, exactly once.
 */
export async function settle(deps: ForwardDeps, o: Outcome): Promise<void> {
  const { metrics } = deps;
  const latencyMs = deps.now() - o.startedAt;
  const target = o.candidate?.target.name ?? "none";
  const prompt = o.usage?.prompt_tokens ?? 0;
  const completion = o.usage?.completion_tokens ?? 0;
  const cache = cacheTokensOf(o.usage);
  const costUsd = o.candidate
    ? o.candidate.target.actualCost(o.candidate.upstreamModel, prompt, completion, cache)
    : 0;
  metrics.requests.inc({ target, status: String(o.status) });
  metrics.duration.observe({ target }, latencyMs / 1000);
  if (prompt > 0) metrics.tokens.inc({ target, type: "prompt" }, prompt);
  if (completion > 0) metrics.tokens.inc({ target, type: "completion" }, completion);
  if (costUsd > 0) metrics.cost.inc({ target }, costUsd);
  try {
    await o.reservation?.settle({ promptTokens: prompt, completionTokens: completion, costUsd, target });
  } catch (err) {
    deps.logger.error(
      { err: (err as Error).message, requestId: o.requestId },
      "settling the reservation failed",
    );
  }
  try {
    await deps.usage.record({
      timestamp: o.startedAt,
      requestId: o.requestId,
      tenantId: o.tenant.tenantId,
      keyId: o.tenant.keyId,
      target,
      model: o.model,
      upstreamModel: o.candidate?.upstreamModel ?? "",
      promptTokens: prompt,
      completionTokens: completion,
      ...(cache.cacheReadTokens ? { cacheReadTokens: cache.cacheReadTokens } : {}),
      ...(cache.cacheWriteTokens ? { cacheWriteTokens: cache.cacheWriteTokens } : {}),
      costUsd,
      latencyMs,
      status: o.status,
      stream: o.stream,
    });
  } catch (err) {
    deps.logger.error({ err: (err as Error).message, requestId: o.requestId }, "recording usage failed");
  }
}
