import { type Dispatcher, Pool } from "undici";
import { parseRawJson } from "../raw-json.js";
import type { CallContext, UpstreamError } from "../types.js";
import { type Exchanged, type ExchangeError, exchange, headerRecord, signalHook } from "./exchange.js";

/**
 * The one HTTP layer every adapter (cluster runtimes, OpenAI-compatible, Anthropic, Gemini)
 * sends through: a keep-alive undici Pool per upstream origin, JSON POSTs that resolve only once
 * the upstream answered 2xx (so failures before the first byte reject and the router can fail
 * over), HMAC signing and mTLS as options, and the adapter's own mapping of failures to errors.
 */

/** Connection settings common to every adapter config. */
export interface HttpOptions {
  /**
   * Upstream time to response headers, and the longest silence between body chunks, ms. 0 leaves
   * the deadline to the router's own abort signal (cluster targets). Defaults to 60000.
   */
  timeoutMs?: number;
  /** TCP (and TLS) connect timeout, ms. Defaults to undici's 10000. */
  connectTimeoutMs?: number;
  /** Max sockets to the upstream origin. Defaults to 64. */
  connections?: number;
  /** Idle keep-alive socket lifetime in ms. Defaults to 30000. */
  keepAliveMs?: number;
  /** A dispatcher to use instead of an own Pool (tests, proxies). Not closed by the adapter. */
  dispatcher?: Dispatcher;
}

/** Client certificate, key and CA (PEM) for mTLS to the upstream. */
export interface ClientTls {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

/** How one upstream's failures become the errors the router relays and fails over on. */
export interface UpstreamErrors {
  /** A non-2xx answer, with its body text ("" when it could not be read) and headers. */
  status(status: number, body: string, headers: Record<string, string | string[] | undefined>): UpstreamError;
  /** A transport failure: connect refused, reset, undici's own timeouts. */
  transport(err: unknown): unknown;
  /** A 2xx answer whose body could not be read or parsed. */
  unreadable(err: unknown): unknown;
}

export interface HttpClientOptions extends HttpOptions {
  /** Base URL; every request goes to its origin. */
  baseURL: string;
  /** Headers sent on every request (credentials, versions); never logged. */
  headers?: Record<string, string>;
  /** Signs a request over its method, path and exact body bytes (cluster HMAC); returns headers to add. */
  sign?: (method: string, path: string, body: string) => Record<string, string>;
  /** mTLS client certificate for the connections. */
  tls?: ClientTls;
  errors: UpstreamErrors;
}

export interface HttpClient {
  /** The base URL's path without a trailing slash (`/v1`), to build request paths on. */
  readonly basePath: string;
  /** POSTs JSON and parses the 2xx JSON reply; rejects with the adapter's errors, or the abort reason. */
  postJson<T>(path: string, payload: unknown, ctx: CallContext, headers?: Record<string, string>): Promise<T>;
  /** POSTs JSON asking for `text/event-stream`; resolves with the 2xx response, its body unread. */
  postStream(
    path: string,
    payload: unknown,
    ctx: CallContext,
    headers?: Record<string, string>,
  ): Promise<Dispatcher.ResponseData>;
  close(): Promise<void>;
}

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const base = new URL(opts.baseURL);
  const origin = base.origin;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const own = opts.dispatcher
    ? undefined
    : new Pool(origin, {
        connections: opts.connections ?? 64,
        keepAliveTimeout: opts.keepAliveMs ?? 30_000,
        keepAliveMaxTimeout: 10 * 60_000,
        connect: { ...(opts.connectTimeoutMs ? { timeout: opts.connectTimeoutMs } : {}), ...opts.tls },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
  const dispatcher: Dispatcher = opts.dispatcher ?? (own as Pool);
  const { errors, sign } = opts;
  const fixed = opts.headers ?? {};

  /** Path, headers (signed over the exact body bytes) and body of one POST. */
  const prepare = (
    path: string,
    payload: unknown,
    ctx: CallContext,
    accept: string,
    extra: Record<string, string> | undefined,
  ): Dispatcher.DispatchOptions => {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept,
      ...ctx.headers,
      ...fixed,
      ...extra,
    };
    if (sign) Object.assign(headers, sign("POST", path, body));
    return { origin, path, method: "POST", headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
  };

  return {
    basePath: pathOf(opts.baseURL),

    async postJson<T>(path: string, payload: unknown, ctx: CallContext, headers?: Record<string, string>) {
      // The callback hook spares an AbortController per call when the caller offers one.
      const hook = ctx.abort ?? signalHook(ctx.signal);
      let res: Exchanged;
      try {
        res = await exchange(dispatcher, prepare(path, payload, ctx, "application/json", headers), hook);
      } catch (err) {
        const { reason, status } = err as ExchangeError;
        // Aborts are the router's decision (client gone or its deadline): it classifies them.
        if (hook.aborted) throw hook.reason ?? reason;
        // Before a response head it is a transport failure; after an error head, a cut-off body.
        if (status === 0) throw errors.transport(reason);
        if (status >= 300) throw errors.status(status, "", {});
        throw errors.unreadable(reason);
      }
      if (res.status < 200 || res.status >= 300)
        throw errors.status(res.status, res.body.toString("utf8"), headerRecord(res.rawHeaders));
      try {
        // Remembers the bytes, so a response passed on unchanged is not serialized again.
        return parseRawJson(res.body) as T;
      } catch (err) {
        throw errors.unreadable(err);
      }
    },

    async postStream(path: string, payload: unknown, ctx: CallContext, headers?: Record<string, string>) {
      let res: Dispatcher.ResponseData;
      try {
        res = await dispatcher.request({
          ...prepare(path, payload, ctx, "text/event-stream", headers),
          signal: ctx.signal,
        });
      } catch (err) {
        if (ctx.signal.aborted) throw ctx.signal.reason ?? err;
        throw errors.transport(err);
      }
      if (res.statusCode >= 200 && res.statusCode < 300) return res;
      let text = "";
      try {
        text = await res.body.text();
      } catch {
        // The body is only used for the message; the status alone is enough to map.
      }
      throw errors.status(res.statusCode, text, res.headers);
    },

    async close() {
      await own?.close();
    },
  };
}

/** The path of a URL as written (`{placeholders}` kept, no trailing slash): what follows its origin. */
export function pathOf(url: string): string {
  return url
    .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "")
    .replace(/[?#].*$/, "")
    .replace(/\/+$/, "");
}

/** Joins a base URL or path and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}
