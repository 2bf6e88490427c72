import type { BucketSpec, StateStore } from "../state/types.js";
import type { RateLimitConfig } from "./config.js";

/** Concurrency slots expire after this long, so a crashed replica cannot hold them forever. */
export const SLOT_TTL_SEC = 900;

/** What one request took at a provider, to give back when it settles. */
export interface ProviderHold {
  target: string;
  slotKeys: string[];
  /** The provider's tokens-per-minute bucket, charged with actual usage at release. */
  tokens?: BucketSpec;
}

export type ProviderAcquire =
  | { ok: true; hold: ProviderHold }
  | { ok: false; retryAfterSec: number; reason: string };

/**
 * Per-provider limits (`externalProviders[].rateLimit`): protect an upstream account's own quota.
 * The counters live in the guard's state store, so with Redis every router replica counts
 * against the same account limit (in memory, one replica's).
 */
export class ProviderLimits {
  private limits = new Map<string, RateLimitConfig>();

  constructor(private readonly store: StateStore) {}

  /** Replaces the limits (providers added or changed at runtime). */
  set(providers: { name: string; rateLimit?: RateLimitConfig }[]): void {
    this.limits = new Map(providers.filter((p) => p.rateLimit).map((p) => [p.name, p.rateLimit!]));
  }

  /** The limits of `target`, or undefined when it has none (nothing to take). */
  limitsOf(target: string): RateLimitConfig | undefined {
    return this.limits.get(target);
  }

  /**
   * Takes a request slot at `target` under its limits `l`. Token limits are charged with actual
   * usage at `release` (the size of an answer is unknown before it), so a provider in token debt
   * refuses until the bucket refills.
   */
  async acquire(target: string, l: RateLimitConfig): Promise<ProviderAcquire> {
    const slotKeys = l.concurrent !== undefined ? [`conc:provider:${target}`] : [];
    if (
      slotKeys.length > 0 &&
      !(await this.store.acquireSlots([{ key: slotKeys[0]!, limit: l.concurrent! }], SLOT_TTL_SEC))
    )
      return { ok: false, retryAfterSec: 1, reason: "concurrent requests" };
    const buckets: (BucketSpec & { reason: string })[] = [];
    if (l.requestsPerMinute !== undefined)
      buckets.push({
        key: `rl:req:provider:${target}`,
        capacity: l.requestsPerMinute,
        periodSec: 60,
        cost: 1,
        reason: "requests per minute",
      });
    // Cost 0: the take only checks that the bucket is not in debt.
    const tokens: BucketSpec | undefined =
      l.tokensPerMinute !== undefined
        ? { key: `rl:tok:provider:${target}`, capacity: l.tokensPerMinute, periodSec: 60, cost: 0 }
        : undefined;
    if (tokens) buckets.push({ ...tokens, reason: "tokens per minute" });
    if (buckets.length > 0) {
      let taken: Awaited<ReturnType<StateStore["takeBuckets"]>>;
      try {
        taken = await this.store.takeBuckets(buckets);
      } catch (err) {
        await this.store.releaseSlots(slotKeys);
        throw err;
      }
      if (!taken.ok) {
        await this.store.releaseSlots(slotKeys);
        const i = taken.results.findIndex((r) => !r.ok);
        return {
          ok: false,
          retryAfterSec: Math.max(1, taken.results[i]?.retryAfterSec ?? 1),
          reason: buckets[i]?.reason ?? "rate",
        };
      }
    }
    return { ok: true, hold: { target, slotKeys, ...(tokens ? { tokens } : {}) } };
  }

  /** Frees what `acquire` took, charging `tokens` to the provider's tokens-per-minute bucket. */
  async release(hold: ProviderHold, tokens: number): Promise<void> {
    await this.store.releaseSlots(hold.slotKeys);
    if (hold.tokens && tokens > 0) await this.store.adjustBucket(hold.tokens, -tokens);
  }
}
