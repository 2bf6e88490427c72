import type { BucketSpec } from "../state/types.js";
import type { BudgetConfig, RateLimitConfig } from "./config.js";
import { type Period, periodId, periodTtlSec } from "./periods.js";

/** Concurrency slots expire after this long, so a crashed replica cannot hold them forever. */
export const SLOT_TTL_SEC = 900;

/** A per-minute bucket and what it counts (for messages and x-ratelimit-* headers). */
export type RateBucketSpec = BucketSpec & { kind: "requests" | "tokens" };

/**
 * The per-minute buckets of one limited scope (`tenant:acme`, `key:k1`, `provider:openai`):
 * requests cost 1, tokens cost `tokens`.
 */
export function bucketSpecs(scope: string, l: RateLimitConfig | undefined, tokens: number): RateBucketSpec[] {
  const out: RateBucketSpec[] = [];
  if (l?.requestsPerMinute)
    out.push({
      key: `rl:req:${scope}`,
      capacity: l.requestsPerMinute,
      periodSec: 60,
      cost: 1,
      kind: "requests",
    });
  if (l?.tokensPerMinute)
    out.push({
      key: `rl:tok:${scope}`,
      capacity: l.tokensPerMinute,
      periodSec: 60,
      cost: tokens,
      kind: "tokens",
    });
  return out;
}

/** A budget counter to reserve on and settle to, with what alerts need to know about it. */
export interface ScopedBudget {
  key: string;
  limit?: number;
  ttlSec: number;
  period: Period;
  budget?: BudgetConfig;
  /** `tenant:acme` or `key:acme-prod`. */
  scope: string;
}

export const BUDGET_PERIODS = ["daily", "monthly"] as const;

/** Budget counter key for a scope (`tenant:acme` or `key:acme-prod`) in the current period. */
export function budgetKey(scope: string, period: Period, now: number): string {
  return `budget:${scope}:${periodId(period, now)}`;
}

/** The daily and monthly counters of one scope (a limit left unset is tracked, not enforced). */
export function budgetSpecs(scope: string, b: BudgetConfig | undefined, now: number): ScopedBudget[] {
  return BUDGET_PERIODS.map((period) => ({
    key: budgetKey(scope, period, now),
    limit: period === "daily" ? b?.dailyUsd : b?.monthlyUsd,
    ttlSec: periodTtlSec(period),
    period,
    budget: b,
    scope,
  }));
}
