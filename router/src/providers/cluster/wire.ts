import { errorBody, isOpenAIErrorBody, type OpenAIErrorBody } from "@llm/contracts";
import { Pool } from "undici";
import { parseRawJson } from "../raw-json.js";
import { type AbortHook, type CallContext, UpstreamError } from "../types.js";
import { type Exchanged, type ExchangeError, exchange, rawHeader, signalHook } from "./exchange.js";
import { sseData } from "./sse.js";

export interface WireClientOptions {
  /** Base URL up to and including the API version, e.g. `http://10.0.0.5:8080/v1`. */
  baseURL: string;
  /** Headers sent on every request (e.g. Authorization). */
  headers?: Record<string, string>;
  /** Signs a request over its method, path and exact body bytes; returns headers to add. */
  sign?: (method: string, path: string, body: string) => Record<string, string>;
  /** Keep-alive connections to the upstream. Defaults to 128. */
  connections?: number;
  /** TCP connect timeout, ms. Defaults to 5000. */
  connectTimeoutMs?: number;
  /**
   * Treat upstream 401/403 as the router's own misconfiguration (a wrong cluster secret):
   * reported as a retryable 502 so another target serves the client. Defaults to false.
   */
  authErrorsAreOurs?: boolean;
  /** Client certificate, key and CA (PEM) for mTLS to the upstream. */
  tls?: { cert: Buffer; key: Buffer; ca?: Buffer };
  /** Name used in error messages (the target name, never a URL with credentials). */
  label: string;
}

function retryAfterSeconds(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.max(0, n);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function parseOrUndefined(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

/**
 * OpenAI wire-format client for one upstream origin over a keep-alive undici Pool. Used by the
 * cluster adapter (HMAC-signed) and by OpenAI-compatible external providers.
 */
export class WireClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly staticHeaders: Record<string, string>;

  constructor(private readonly opts: WireClientOptions) {
    const url = new URL(opts.baseURL);
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.pool = new Pool(url.origin, {
      connections: opts.connections ?? 128,
      connect: { timeout: opts.connectTimeoutMs ?? 5000, ...opts.tls },
      keepAliveTimeout: 30_000,
      // The router's own AbortSignal carries the timeouts; undici's defaults (300 s) are a backstop.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.staticHeaders = { "content-type": "application/json", accept: "application/json", ...opts.headers };
  }

  /** Path, headers (signed over the exact body bytes) and body of one POST. */
  private prepare(subpath: string, payload: unknown, ctx: CallContext, accept?: string) {
    const path = this.basePath + subpath;
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { ...this.staticHeaders, ...ctx.headers };
    if (accept) headers.accept = accept;
    if (this.opts.sign) Object.assign(headers, this.opts.sign("POST", path, body));
    return { path, method: "POST" as const, headers, body };
  }

  private async send(subpath: string, payload: unknown, ctx: CallContext, accept?: string) {
    let res: Awaited<ReturnType<Pool["request"]>>;
    try {
      res = await this.pool.request({ ...this.prepare(subpath, payload, ctx, accept), signal: ctx.signal });
    } catch (err) {
      throw this.networkError(err, ctx.signal);
    }
    if (res.statusCode >= 400) {
      let parsed: unknown;
      try {
        parsed = await res.body.json();
      } catch {
        parsed = undefined;
      }
      throw this.statusError(res.statusCode, parsed, res.headers["retry-after"]);
    }
    return res;
  }

  /** The UpstreamError for an HTTP error status (>= 400) with its parsed body, if any. */
  private statusError(
    status: number,
    parsed: unknown,
    retryAfter: string | string[] | undefined,
  ): UpstreamError {
    if (this.opts.authErrorsAreOurs && (status === 401 || status === 403))
      return new UpstreamError(
        502,
        errorBody(502, `cluster ${this.opts.label} rejected the router's credentials (HTTP ${status})`, {
          code: "upstream_auth_failed",
        }),
        true,
      );
    const retryable = status === 408 || status === 429 || status >= 500;
    const body: OpenAIErrorBody = isOpenAIErrorBody(parsed)
      ? parsed
      : errorBody(status, `upstream ${this.opts.label} returned HTTP ${status}`);
    return new UpstreamError(status, body, retryable, retryAfterSeconds(retryAfter));
  }

  private networkError(err: unknown, abort: Pick<AbortHook, "aborted" | "reason">): unknown {
    // Aborts are the caller's decision (client gone or its timeout); let it classify them.
    if (abort.aborted) return abort.reason ?? err;
    const code = (err as { code?: string }).code ?? "";
    const message = `upstream ${this.opts.label} unreachable (${code || (err as Error).name})`;
    return new UpstreamError(502, errorBody(502, message, { code: "upstream_unavailable" }), true);
  }

  /** POSTs `payload` and returns the parsed JSON response. */
  async postJson<T>(subpath: string, payload: unknown, ctx: CallContext): Promise<T> {
    const hook = ctx.abort ?? signalHook(ctx.signal);
    let res: Exchanged;
    try {
      res = await exchange(this.pool, this.prepare(subpath, payload, ctx), hook);
    } catch (err) {
      const { reason, status } = err as ExchangeError;
      // Before a response head it is a network failure; after one, an unreadable (error) body.
      if (status === 0) throw this.networkError(reason, hook);
      if (status >= 400) throw this.statusError(status, undefined, undefined);
      throw this.unreadable(reason, hook);
    }
    if (res.status >= 400)
      throw this.statusError(
        res.status,
        parseOrUndefined(res.body),
        rawHeader(res.rawHeaders, "retry-after"),
      );
    try {
      // Remembers the bytes, so a response passed on unchanged is not serialized again.
      return parseRawJson(res.body) as T;
    } catch (err) {
      throw this.unreadable(err, hook);
    }
  }

  private unreadable(err: unknown, abort: Pick<AbortHook, "aborted" | "reason">): unknown {
    if (abort.aborted) return abort.reason ?? err;
    return new UpstreamError(
      502,
      errorBody(502, `upstream ${this.opts.label} sent an unreadable response`, {
        code: "bad_upstream_response",
      }),
      true,
    );
  }

  /**
   * POSTs a streaming request; resolves once the upstream answered 2xx, then yields each parsed
   * `data:` payload until `[DONE]`. An `error` payload or an early end throws (not retryable:
   * bytes may already have reached the client).
   */
  async postStream<T>(subpath: string, payload: unknown, ctx: CallContext): Promise<AsyncIterable<T>> {
    const res = await this.send(subpath, payload, ctx, "text/event-stream");
    const label = this.opts.label;
    const signal = ctx.signal;
    return {
      async *[Symbol.asyncIterator]() {
        let done = false;
        try {
          for await (const data of sseData(res.body)) {
            if (data === "[DONE]") {
              done = true;
              return;
            }
            let parsed: unknown;
            try {
              parsed = JSON.parse(data);
            } catch {
              throw new UpstreamError(
                502,
                errorBody(502, `upstream ${label} sent a malformed stream event`),
                false,
              );
            }
            if (isOpenAIErrorBody(parsed)) throw new UpstreamError(502, parsed, false);
            yield parsed as T;
          }
        } catch (err) {
          if (err instanceof UpstreamError) throw err;
          if (signal.aborted) throw signal.reason ?? err;
          throw new UpstreamError(502, errorBody(502, `upstream ${label} stream failed`), false);
        } finally {
          if (!done) res.body.destroy();
        }
        throw new UpstreamError(502, errorBody(502, `upstream ${label} stream ended before [DONE]`), false);
      },
    };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
