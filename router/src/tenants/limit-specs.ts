import type { BucketSpec } from "../state/types.js";
import type { RateLimitConfig } from "./config.js";

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
