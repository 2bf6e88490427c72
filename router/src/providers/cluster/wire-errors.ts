import { errorBody, isOpenAIErrorBody, type OpenAIErrorBody } from "@llm/contracts";
import type { UpstreamErrors } from "../shared/http.js";
import { parseRetryAfter } from "../shared/retry-after.js";
import { UpstreamError } from "../types.js";

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Failure mapping for an upstream that already speaks OpenAI's error shape (our cluster
 * runtimes): its error bodies are relayed as they are; `label` (the target name, never a URL
 * with credentials) names it in the messages the router writes itself.
 * With `authErrorsAreOurs`, an upstream 401/403 is the router's own misconfiguration (a wrong
 * cluster secret), reported as a 502 another target may serve.
 */
export function wireErrors(label: string, authErrorsAreOurs: boolean): UpstreamErrors {
  return {
    status(status, text, headers) {
      if (authErrorsAreOurs && (status === 401 || status === 403))
        return new UpstreamError(
          502,
          errorBody(502, `cluster ${label} rejected the router's credentials (HTTP ${status})`, {
            code: "upstream_auth_failed",
          }),
          true,
        );
      const retryable = status === 408 || status === 429 || status >= 500;
      const parsed = text ? parseOrUndefined(text) : undefined;
      const body: OpenAIErrorBody = isOpenAIErrorBody(parsed)
        ? parsed
        : errorBody(status, `upstream ${label} returned HTTP ${status}`);
      return new UpstreamError(status, body, retryable, parseRetryAfter(headers));
    },
    transport(err) {
      const code = (err as { code?: string }).code ?? "";
      const message = `upstream ${label} unreachable (${code || (err as Error).name})`;
      return new UpstreamError(502, errorBody(502, message, { code: "upstream_unavailable" }), true);
    },
    unreadable() {
      return new UpstreamError(
        502,
        errorBody(502, `upstream ${label} sent an unreadable response`, { code: "bad_upstream_response" }),
        true,
      );
    },
  };
}
