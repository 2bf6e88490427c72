import type { UsageRecord } from "./types.js";

/** Sums over a set of usage records. */
export interface UsageTotals {
  requests: number;
  /** Requests that ended with status >= 400. */
  errors: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  /** Sum of latencies, for the mean (latencyMs / requests). */
  latencyMs: number;
}

export const emptyTotals = (): UsageTotals => ({
  requests: 0,
  errors: 0,
  promptTokens: 0,
  completionTokens: 0,
  costUsd: 0,
  latencyMs: 0,
});

export function addRecord(t: UsageTotals, r: UsageRecord): void {
  t.requests += 1;
  if (r.status >= 400) t.errors += 1;
  t.promptTokens += r.promptTokens;
  t.completionTokens += r.completionTokens;
  t.costUsd += r.costUsd;
  t.latencyMs += r.latencyMs;
}

export function addTotals(t: UsageTotals, o: UsageTotals): void {
  t.requests += o.requests;
  t.errors += o.errors;
  t.promptTokens += o.promptTokens;
  t.completionTokens += o.completionTokens;
  t.costUsd += o.costUsd;
  t.latencyMs += o.latencyMs;
}

export type GroupBy = "tenant" | "target" | "model";

export const groupKey = (r: { tenantId: string; target: string; model: string }, by: GroupBy): string =>
  by === "tenant" ? r.tenantId : by === "target" ? r.target : r.model;
