import type { BucketResult } from "../state/types.js";
import type { RateBucketSpec } from "./limit-specs.js";
import type { Reservation } from "./types.js";

/** No rate limits, no headers: shared, so a reservation without limits allocates nothing. */
export const NO_RATE_LIMIT_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** OpenAI-style x-ratelimit-* headers from the most restrictive bucket of each kind. */
export function rateLimitHeaders(specs: RateBucketSpec[], results: BucketResult[]): Record<string, string> {
  const h: Record<string, string> = {};
  for (const kind of ["requests", "tokens"] as const) {
    let best: { limit: number; remaining: number; reset: number } | undefined;
    for (let i = 0; i < specs.length; i++) {
      if (specs[i]!.kind !== kind) continue;
      const r = results[i]!;
      if (!best || r.remaining < best.remaining)
        best = {
          limit: specs[i]!.capacity,
          remaining: r.remaining,
          reset: Math.max(r.resetSec, r.retryAfterSec),
        };
    }
    if (best) {
      h[`x-ratelimit-limit-${kind}`] = String(best.limit);
      h[`x-ratelimit-remaining-${kind}`] = String(best.remaining);
      h[`x-ratelimit-reset-${kind}`] = `${best.reset}s`;
    }
  }
  return h;
}

/**
 * Puts an admitted request's x-ratelimit-* headers on its response: OpenAI sends them on every
 * response, not only on 429s, and clients pace themselves by them. Call before the head is written.
 */
export function writeRateLimitHeaders(
  res: { headersSent: boolean; setHeader(name: string, value: string): unknown },
  reservation: Pick<Reservation, "headers">,
): void {
  const h = reservation.headers;
  if (!h || h === NO_RATE_LIMIT_HEADERS || res.headersSent) return;
  for (const k in h) res.setHeader(k, h[k]!);
}
