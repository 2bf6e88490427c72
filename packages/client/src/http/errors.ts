/** An error from the router (OpenAI error shape) or from the transport (status 0). */
export class RouterError extends Error {
  /** HTTP status; 0 when the request never got a response. */
  readonly status: number;
  /** OpenAI error `type` (`rate_limit_error`...) or `transport_error`. */
  readonly type: string;
  /** OpenAI error `code`, or a transport code like `ECONNREFUSED`. */
  readonly code: string | null;
  /** Field the router blamed, if any. */
  readonly param: string | null;
  /** Router target that answered (`x-router-target`), when known. */
  readonly target?: string;
  /** Seconds from `Retry-After`, when given. */
  readonly retryAfterSeconds?: number;

  constructor(
    status: number,
    message: string,
    opts: {
      type?: string;
      code?: string | null;
      param?: string | null;
      target?: string;
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = "RouterError";
    this.status = status;
    this.type = opts.type ?? (status === 0 ? "transport_error" : "api_error");
    this.code = opts.code ?? null;
    this.param = opts.param ?? null;
    this.target = opts.target;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  /** Worth retrying: rate limits, upstream/server failures and transport errors. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}
