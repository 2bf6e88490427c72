import type { RateLimitConfig } from "./config.js";

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Per-provider limits (`externalProviders[].rateLimit`): protect an upstream account's own quota.
 * AccessGuard.authorizeTarget is synchronous, so these counters live in this replica's memory;
 * with N replicas configure 1/N of the account limit (or rely on the upstream's 429 + failover).
 */
export class ProviderLimits {
  private limits = new Map<string, RateLimitConfig>();
  private readonly rpm = new Map<string, Bucket>();
  private readonly tpm = new Map<string, Bucket>();
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Replaces the limits (providers added or changed at runtime). */
  set(providers: { name: string; rateLimit?: RateLimitConfig }[]): void {
    this.limits = new Map(providers.filter((p) => p.rateLimit).map((p) => [p.name, p.rateLimit!]));
  }

  /** True when some provider has a limit (else acquire/release are no-ops). */
  get any(): boolean {
    return this.limits.size > 0;
  }

  private bucket(map: Map<string, Bucket>, name: string, capacity: number): Bucket {
    const t = this.now();
    const b = map.get(name) ?? { tokens: capacity, at: t };
    b.tokens = Math.min(capacity, b.tokens + ((t - b.at) * capacity) / 60_000);
    b.at = t;
    map.set(name, b);
    return b;
  }

  /**
   * Takes a request slot at `target`; returns seconds to wait when a limit is reached.
   * Token limits are charged with actual usage at `release`, so a target in token debt refuses.
   */
  acquire(target: string): { ok: true } | { ok: false; retryAfterSec: number; reason: string } {
    const l = this.limits.get(target);
    if (!l) return { ok: true };
    if (l.concurrent !== undefined && (this.inFlight.get(target) ?? 0) >= l.concurrent)
      return { ok: false, retryAfterSec: 1, reason: "concurrent requests" };
    const perMs = (cap: number) => cap / 60_000;
    if (l.tokensPerMinute !== undefined) {
      const b = this.bucket(this.tpm, target, l.tokensPerMinute);
      if (b.tokens <= 0)
        return {
          ok: false,
          retryAfterSec: Math.ceil((1 - b.tokens) / perMs(l.tokensPerMinute) / 1000),
          reason: "tokens per minute",
        };
    }
    if (l.requestsPerMinute !== undefined) {
      const b = this.bucket(this.rpm, target, l.requestsPerMinute);
      if (b.tokens < 1)
        return {
          ok: false,
          retryAfterSec: Math.ceil((1 - b.tokens) / perMs(l.requestsPerMinute) / 1000),
          reason: "requests per minute",
        };
      b.tokens -= 1;
    }
    if (l.concurrent !== undefined) this.inFlight.set(target, (this.inFlight.get(target) ?? 0) + 1);
    return { ok: true };
  }

  /** Frees the slot taken by `acquire`, charging `tokens` to the target's tokens-per-minute bucket. */
  release(target: string, tokens: number): void {
    const l = this.limits.get(target);
    if (!l) return;
    if (l.concurrent !== undefined) {
      const n = (this.inFlight.get(target) ?? 1) - 1;
      if (n > 0) this.inFlight.set(target, n);
      else this.inFlight.delete(target);
    }
    if (l.tokensPerMinute !== undefined && tokens > 0)
      this.bucket(this.tpm, target, l.tokensPerMinute).tokens -= tokens;
  }
}
