import type { BucketSpec, StateStore } from "../state/types.js";
import type { RateLimitConfig } from "./config.js";
import { bucketSpecs, SLOT_TTL_SEC } from "./limit-specs.js";

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
    const scope = `provider:${target}`;
    const slots = l.concurrent !== undefined ? [{ key: `conc:${scope}`, limit: l.concurrent }] : [];
    if (!(await this.store.acquireSlots(slots, SLOT_TTL_SEC)))
      return { ok: false, retryAfterSec: 1, reason: "concurrent requests" };
    const slotKeys = slots.map((s) => s.key);
    // Tokens cost 0 here: the take only checks that the bucket is not in debt.
    const buckets = bucketSpecs(scope, l, 0);
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
        reason: `${buckets[i]?.kind ?? "requests"} per minute`,
      };
    }
    const tokens = buckets.find((b) => b.kind === "tokens");
    return { ok: true, hold: { target, slotKeys, ...(tokens ? { tokens } : {}) } };
  }

  /** Frees what `acquire` took, charging `tokens` to the provider's tokens-per-minute bucket. */
  async release(hold: ProviderHold, tokens: number): Promise<void> {
    await this.store.releaseSlots(hold.slotKeys);
    if (hold.tokens && tokens > 0) await this.store.adjustBucket(hold.tokens, -tokens);
  }
}
