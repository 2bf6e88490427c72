import type { HttpError } from "@llm/contracts";

/** Which API's error shape a path answers with. */
export type ErrorFormat = "openai" | "anthropic";

const MESSAGES = "/v1/messages";

/**
 * Anthropic's shape on the Messages API (`/v1/messages`, `/v1/messages/count_tokens`, with or
 * without a query such as `?beta=true`), OpenAI's everywhere else. Chosen by path, so errors
 * raised before any handler runs (body limit, auth, rate limit, unknown route) already match the
 * API the client speaks.
 */
export function errorFormatFor(path: string | undefined): ErrorFormat {
  if (path === undefined || !path.startsWith(MESSAGES)) return "openai";
  const next = path.charCodeAt(MESSAGES.length);
  // NaN: the path ends there; 47 '/', 63 '?'. Anything else (`/v1/messagesx`) is another path.
  return Number.isNaN(next) || next === 47 || next === 63 ? "anthropic" : "openai";
}

/**
 * Anthropic's `error.type` for an HTTP status, as https://docs.claude.com/en/api/errors lists
 * them: 400 invalid_request_error (also used for other 4xx), 401
 * authentication_error, 403 permission_error, 404 not_found_error, 413 request_too_large, 429
 * rate_limit_error, 500 api_error, 529 overloaded_error. The router's 503 (no target can take
 * the request) is the overloaded case.
 */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

/** Anthropic's error body: `{"type":"error","error":{"type","message"},"request_id"}`. */
export interface AnthropicErrorBody {
  type: "error";
  error: { type: string; message: string };
  request_id?: string;
}

/** The body of `err` in `format`'s shape. */
export function errorBodyFor(format: ErrorFormat, err: HttpError, requestId?: string): unknown {
  if (format === "openai") return err.toBody();
  const body: AnthropicErrorBody = {
    type: "error",
    error: { type: anthropicErrorType(err.status), message: err.message },
  };
  if (requestId) body.request_id = requestId;
  return body;
}
