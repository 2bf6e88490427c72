import type { IncomingMessage, ServerResponse } from "node:http";
import type { RouterConfig } from "../config/schema.js";
import { requestIdOf } from "./request-id.js";

type CorsConfig = RouterConfig["server"]["cors"];

/** Request headers a browser app may send: the OpenAI and Anthropic SDKs' and the router's own. */
const ALLOWED_REQUEST_HEADERS = [
  "authorization",
  "content-type",
  "x-api-key",
  "anthropic-version",
  "anthropic-beta",
  "anthropic-dangerous-direct-browser-access",
  "openai-organization",
  "openai-project",
  "x-request-id",
  "traceparent",
  "tracestate",
  "x-router-strategy",
  "x-router-region",
  "x-router-region-policy",
];
/**
 * Prefixes of further allowed request headers: any `x-router-*` (later routing hints need no
 * change here) and the SDKs' `x-stainless-*` telemetry headers, which the official openai and
 * @anthropic-ai/sdk clients send from a browser too.
 */
const ALLOWED_PREFIXES = ["x-router-", "x-stainless-"];

/**
 * Response headers a browser script may read. `Access-Control-Expose-Headers` takes no prefix
 * patterns (and `*` is ignored with credentials, per the Fetch standard), so they are listed.
 */
const EXPOSED_HEADERS = [
  "x-request-id",
  "x-router-target",
  "x-router-reason",
  "x-router-strategy",
  "x-router-region",
  "x-router-cost-usd",
  "x-router-overhead-ms",
  "x-ratelimit-limit-requests",
  "x-ratelimit-remaining-requests",
  "x-ratelimit-reset-requests",
  "x-ratelimit-limit-tokens",
  "x-ratelimit-remaining-tokens",
  "x-ratelimit-reset-tokens",
  "retry-after",
].join(", ");

// DELETE: a stored response (`DELETE /v1/responses/{id}`).
const ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS";

/** The allowed headers a preflight asked for, plus the fixed list (lower case, deduplicated). */
function allowedHeaders(requested: string | undefined): string {
  const out = new Set(ALLOWED_REQUEST_HEADERS);
  for (const raw of (requested ?? "").split(",")) {
    const h = raw.trim().toLowerCase();
    if (h && ALLOWED_PREFIXES.some((p) => h.startsWith(p))) out.add(h);
  }
  return [...out].join(", ");
}

/** Adds `Origin` to `Vary` once (the answer differs per origin, so caches must key on it). */
function varyOrigin(res: ServerResponse): void {
  const vary = res.getHeader("vary");
  const text = Array.isArray(vary) ? vary.join(", ") : vary === undefined ? "" : String(vary);
  if (/(^|,)\s*origin\s*(,|$)/i.test(text)) return;
  res.setHeader("vary", text ? `${text}, Origin` : "Origin");
}

/**
 * Applies `server.cors` to one request, before any handler runs (so errors, streams and every
 * route carry the headers). An allowed origin gets `Access-Control-Allow-Origin` and the exposed
 * headers; a preflight (`OPTIONS` with `Access-Control-Request-Method`) from one is answered here
 * with 204 and the method/header/max-age headers, and `true` is returned (the request is done).
 * A request without `Origin`, from an origin not listed, or with CORS off gets no CORS headers and
 * goes on as before. See https://fetch.spec.whatwg.org/#http-cors-protocol.
 */
export function applyCors(cors: CorsConfig, req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (cors.allowedOrigins.length === 0) return false;
  const anyOrigin = cors.allowedOrigins.includes("*");
  // Vary even when the origin is refused: a cached refusal must not be served to an allowed origin.
  if (!anyOrigin || cors.allowCredentials) varyOrigin(res);
  if (!origin || !(anyOrigin || cors.allowedOrigins.includes(origin))) return false;
  // `*` cannot be combined with credentials: echo the origin then.
  res.setHeader("access-control-allow-origin", anyOrigin && !cors.allowCredentials ? "*" : origin);
  if (cors.allowCredentials) res.setHeader("access-control-allow-credentials", "true");
  const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
  if (!preflight) {
    res.setHeader("access-control-expose-headers", EXPOSED_HEADERS);
    return false;
  }
  const requested = req.headers["access-control-request-headers"];
  res.setHeader("access-control-allow-methods", ALLOWED_METHODS);
  res.setHeader("access-control-allow-headers", allowedHeaders(requested));
  res.setHeader("access-control-max-age", String(Math.floor(cors.maxAge / 1000)));
  res.setHeader("x-request-id", requestIdOf(req));
  res.setHeader("content-length", "0");
  res.writeHead(204);
  res.end();
  return true;
}
