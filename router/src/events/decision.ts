import type { CacheResult } from "../usage/types.js";
import type { DecisionEvent } from "./schema.js";

/** What accounting knows about a finished request, as the decision event needs it. */
export interface DecisionFacts {
  requestId: string;
  tenantId: string;
  keyId: string;
  model: string;
  upstreamModel: string;
  target: string;
  reason: string;
  status: number;
  endpoint?: string;
  stream: boolean;
  startedAt: number;
  promptTokens: number;
  completionTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** What the response cache did, when it was consulted. */
  cacheResult?: CacheResult;
  experiment?: { id: string; arm: string };
  /** Set only for tenants that opted in (events/prompt.ts). */
  prompt?: string;
  costUsd: number;
  savedUsd?: number;
  latencyMs: number;
  timeToFirstTokenMs?: number;
}

/** The `decision` event of a finished request: built from numbers and ids only, never the body. */
export function decisionEvent(f: DecisionFacts, now: number): DecisionEvent {
  const read = f.cacheReadTokens ?? 0;
  return {
    type: "decision",
    time: new Date(now).toISOString(),
    requestId: f.requestId,
    tenant: f.tenantId,
    keyId: f.keyId,
    model: f.model,
    upstreamModel: f.upstreamModel,
    target: f.target,
    reason: f.reason,
    status: f.status,
    ...(f.endpoint ? { endpoint: f.endpoint } : {}),
    stream: f.stream,
    tokens: {
      prompt: f.promptTokens,
      completion: f.completionTokens,
      total: f.promptTokens + f.completionTokens,
    },
    costUsd: f.costUsd,
    ...(f.savedUsd !== undefined ? { savedUsd: f.savedUsd } : {}),
    latencyMs: f.latencyMs,
    ...(f.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: f.timeToFirstTokenMs } : {}),
    cache: {
      hit: read > 0 || f.cacheResult === "hit" || f.cacheResult === "semantic-hit",
      ...(f.cacheResult ? { result: f.cacheResult } : {}),
      readTokens: read,
      writeTokens: f.cacheWriteTokens ?? 0,
    },
    ...(f.experiment ? { experiment: f.experiment } : {}),
    ...(f.prompt !== undefined ? { prompt: f.prompt } : {}),
  };
}
