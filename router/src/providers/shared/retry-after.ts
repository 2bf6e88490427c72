/**
 * How long an upstream asked us to wait, in whole seconds: the one parser for every provider.
 * Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3); OpenAI also sends
 * `retry-after-ms`; Gemini puts google.rpc.RetryInfo `retryDelay` ("30s") in its error body.
 * Fractions round up, so a client told "1.5" never retries early.
 */

type Headers = Record<string, string | string[] | undefined>;

const DECIMAL = /^\d+(\.\d+)?$/;

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Seconds from `retry-after-ms` or Retry-After (delta-seconds or HTTP date); undefined without one. */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = first(headers["retry-after-ms"])?.trim();
  if (ms && DECIMAL.test(ms)) return Math.ceil(Number(ms) / 1000);
  const ra = first(headers["retry-after"])?.trim();
  if (!ra) return undefined;
  if (DECIMAL.test(ra)) return Math.ceil(Number(ra));
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Gemini's google.rpc.RetryInfo `retryDelay` ("30s", "1.5s") from an error's `details`, in seconds. */
export function retryDelaySeconds(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const d of details) {
    const delay = (d as { retryDelay?: unknown })?.retryDelay;
    if (typeof delay === "string" && /^\d+(\.\d+)?s$/.test(delay)) return Math.ceil(Number.parseFloat(delay));
  }
  return undefined;
}
