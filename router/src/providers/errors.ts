import { type OpenAIErrorBody, openAIErrorTypeForStatus } from "@llm/contracts";
import type { UpstreamErrors } from "./shared/http.js";
import { parseRetryAfter, retryDelaySeconds } from "./shared/retry-after.js";
import { UpstreamError } from "./types.js";

/**
 * Maps what an upstream provider said (status, body, headers) to an UpstreamError the router can
 * relay and fail over on. Shared by the OpenAI-compatible, Anthropic and Gemini adapters, whose
 * error bodies differ:
 * - OpenAI:    {"error":{"message","type","param","code"}}
 * - Anthropic: {"type":"error","error":{"type":"overloaded_error","message"}}
 * - Gemini:    {"error":{"code":429,"message","status":"RESOURCE_EXHAUSTED","details":[RetryInfo]}}
 */

/** Google RPC status names (Gemini's `error.status`) to HTTP status. */
const grpcStatus: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** Anthropic error `type` values to HTTP status (used for errors inside a 200 stream). */
const anthropicTypes: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/** 429, 408, every 5xx and Anthropic's 529 may succeed elsewhere or later; other 4xx will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

// Keys that upstreams sometimes echo back in messages ("Incorrect API key provided: sk-...").
const keyPatterns = [/sk-[A-Za-z0-9_*-]{6,}/g, /AIza[0-9A-Za-z_-]{10,}/g, /sk-ant-[A-Za-z0-9_*-]{6,}/g];

/** Removes `secrets` and anything shaped like a provider key from `text`. */
export function redact(text: string, secrets: (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  for (const p of keyPatterns) out = out.replace(p, "[redacted]");
  return out;
}

interface Extracted {
  message?: string;
  type?: string;
  code?: string | null;
  param?: string | null;
  /** Status implied by the body (Gemini status name, Anthropic error type) when it differs. */
  impliedStatus?: number;
  retryAfter?: number;
}

function extract(body: unknown): Extracted {
  if (typeof body !== "object" || body === null) return {};
  const err = (body as { error?: unknown }).error;
  if (typeof err !== "object" || err === null) return {};
  const e = err as Record<string, unknown>;
  const message = typeof e.message === "string" ? e.message : undefined;
  if (typeof e.status === "string") {
    // Gemini
    return {
      message,
      code: e.status.toLowerCase(),
      impliedStatus: grpcStatus[e.status],
      retryAfter: retryDelaySeconds(e.details),
    };
  }
  const type = typeof e.type === "string" ? e.type : undefined;
  if ((body as { type?: unknown }).type === "error" && type) {
    // Anthropic
    return { message, type, code: type, impliedStatus: anthropicTypes[type] };
  }
  return {
    message,
    type,
    code: typeof e.code === "string" ? e.code : typeof e.code === "number" ? String(e.code) : null,
    param: typeof e.param === "string" ? e.param : null,
  };
}

export interface UpstreamErrorInput {
  /** Provider name, prefixed to messages so clients see which upstream failed. */
  provider: string;
  /** HTTP status from the upstream; 200 for an error event inside a stream. */
  status: number;
  /** Raw body text or already-parsed JSON. */
  body: string | unknown;
  headers?: Record<string, string | string[] | undefined>;
  /** Secrets to scrub from the message (the adapter's API key). */
  secrets?: (string | undefined)[];
}

/** Builds the UpstreamError for an upstream error response or in-stream error event. */
export function upstreamError(input: UpstreamErrorInput): UpstreamError {
  let parsed: unknown = input.body;
  if (typeof input.body === "string") {
    try {
      parsed = JSON.parse(input.body);
    } catch {
      parsed = undefined;
    }
  }
  const x = extract(parsed);
  let status = input.status >= 400 ? input.status : (x.impliedStatus ?? 502);
  // Anthropic's 529 "overloaded" is not a status OpenAI clients know; 503 means the same to them.
  const overloaded = status === 529 || x.type === "overloaded_error";
  if (status === 529) status = 503;
  const retryAfter = (input.headers ? parseRetryAfter(input.headers) : undefined) ?? x.retryAfter;
  const raw =
    x.message ??
    (typeof input.body === "string" && input.body.length > 0 ? input.body.slice(0, 300) : `HTTP ${status}`);
  const body: OpenAIErrorBody = {
    error: {
      message: `${input.provider}: ${redact(raw, input.secrets)}`,
      type:
        status >= 500
          ? "server_error"
          : (openAIErrorTypeForStatus[status] ?? x.type ?? "invalid_request_error"),
      param: x.param ?? null,
      code: overloaded ? "overloaded" : (x.code ?? null),
    },
  };
  return new UpstreamError(status, body, isRetryableStatus(input.status === 529 ? 529 : status), retryAfter);
}

/** Maps a thrown transport error (connect refused, reset, timeout) to a retryable 502/504. */
export function networkError(provider: string, err: unknown, secrets: (string | undefined)[] = []): Error {
  if (err instanceof UpstreamError) return err;
  const e = err as { name?: string; code?: string; message?: string };
  // The client went away or the router's own deadline fired: not the upstream's fault, pass it on.
  if (e?.name === "AbortError" || e?.code === "UND_ERR_ABORTED") return err as Error;
  const timeout =
    e?.code === "UND_ERR_HEADERS_TIMEOUT" ||
    e?.code === "UND_ERR_BODY_TIMEOUT" ||
    e?.code === "UND_ERR_CONNECT_TIMEOUT" ||
    e?.name === "TimeoutError";
  const status = timeout ? 504 : 502;
  const what = timeout ? "timed out" : "unreachable";
  return new UpstreamError(
    status,
    {
      error: {
        message: `${provider}: upstream ${what} (${redact(e?.code ?? e?.message ?? "error", secrets)})`,
        type: timeout ? "timeout_error" : "server_error",
        param: null,
        code: timeout ? "upstream_timeout" : "upstream_unreachable",
      },
    },
    true,
  );
}

/** The failure mapping of the external providers (OpenAI-compatible, Anthropic, Gemini) for the shared HTTP layer. */
export function providerErrors(provider: string, secrets: (string | undefined)[]): UpstreamErrors {
  return {
    status: (status, body, headers) => upstreamError({ provider, status, body, headers, secrets }),
    transport: (err) => networkError(provider, err, secrets),
    unreadable: (err) => networkError(provider, err, secrets),
  };
}

/**
 * What a provider stream that failed while being read throws: the router's own abort reason
 * when it aborted the call (client gone, deadline), so a disconnect is never booked as an
 * upstream failure; otherwise the mapped error.
 */
export function streamFailure(
  provider: string,
  err: unknown,
  signal: AbortSignal,
  secrets: (string | undefined)[],
): unknown {
  if (signal.aborted && !(err instanceof UpstreamError)) return signal.reason ?? err;
  return networkError(provider, err, secrets);
}
