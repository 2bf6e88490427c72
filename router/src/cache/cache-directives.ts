import type { IncomingHttpHeaders } from "node:http";
import { HttpError, parseDurationMs } from "@llm/contracts";

/** What a request asks of the response cache through its headers. */
export interface CacheDirectives {
  /** `Cache-Control: no-cache`: do not serve a stored answer (the fresh one may still be stored). */
  noCache: boolean;
  /** `Cache-Control: no-store`: do not store this answer. */
  noStore: boolean;
  /** `x-router-cache-ttl`, ms, capped at `maxTtl`; sending it also opts a non-deterministic request in. */
  ttlMs?: number;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(",") : v;
}

/**
 * Reads `Cache-Control` (only `no-cache` and `no-store` mean anything here; other directives,
 * `max-age` included, are ignored as RFC 9111 lets a cache ignore what it does not implement) and
 * `x-router-cache-ttl` (a duration: `30s`, `10m`, `1h`, or bare seconds; above `maxTtlMs` it is
 * capped). A malformed TTL is a 400 naming the header.
 */
export function readCacheDirectives(headers: IncomingHttpHeaders, maxTtlMs: number): CacheDirectives {
  const directives = (first(headers["cache-control"]) ?? "")
    .toLowerCase()
    .split(",")
    .map((d) => d.trim().split("=")[0]);
  const out: CacheDirectives = {
    noCache: directives.includes("no-cache"),
    noStore: directives.includes("no-store"),
  };
  const ttl = first(headers["x-router-cache-ttl"]);
  if (ttl !== undefined) {
    const ms = parseDurationMs(ttl);
    if (ms === undefined || !(ms > 0))
      throw new HttpError(
        400,
        `x-router-cache-ttl must be a positive duration like 30s, 10m, 1h or seconds, got "${ttl}"`,
        { param: "x-router-cache-ttl", code: "invalid_cache_ttl" },
      );
    out.ttlMs = Math.min(ms, maxTtlMs);
  }
  return out;
}
