/** OpenAI's error body: every HTTP error from the runtime and router uses it. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** The `type` values OpenAI uses, keyed by the HTTP status that carries them. */
export const openAIErrorTypeForStatus: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  408: "timeout_error",
  409: "conflict_error",
  413: "invalid_request_error",
  422: "invalid_request_error",
  429: "rate_limit_error",
  500: "server_error",
  502: "server_error",
  503: "server_error",
  504: "timeout_error",
};

/** An error that already knows its HTTP status and OpenAI body; handlers throw it, one mapper sends it. */
export class HttpError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  /** Extra response headers (Retry-After, x-ratelimit-*). */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    opts: {
      type?: string;
      param?: string | null;
      code?: string | null;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.type =
      opts.type ??
      openAIErrorTypeForStatus[status] ??
      (status >= 500 ? "server_error" : "invalid_request_error");
    this.param = opts.param ?? null;
    this.code = opts.code ?? null;
    this.headers = opts.headers ?? {};
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function errorBody(
  status: number,
  message: string,
  opts: { type?: string; param?: string | null; code?: string | null } = {},
): OpenAIErrorBody {
  return new HttpError(status, message, opts).toBody();
}

/** True when `value` looks like an OpenAI error body (used when relaying upstream errors). */
export function isOpenAIErrorBody(value: unknown): value is OpenAIErrorBody {
  if (typeof value !== "object" || value === null) return false;
  const err = (value as { error?: unknown }).error;
  return (
    typeof err === "object" && err !== null && typeof (err as { message?: unknown }).message === "string"
  );
}
