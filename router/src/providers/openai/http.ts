import { Agent, type Dispatcher, request } from "undici";
import { networkError, upstreamError } from "../errors.js";

/**
 * The HTTP plumbing the three external adapters share: one keep-alive undici Agent per adapter,
 * JSON POSTs that resolve only once the upstream answered 2xx (so failures before the first byte
 * reject and the router can fail over), and upstream errors mapped to UpstreamError.
 */

/** Connection settings common to every adapter config. */
export interface HttpOptions {
  /** Upstream time to response headers, and the longest silence between body chunks. Defaults to 60000. */
  timeoutMs?: number;
  /** Max sockets per upstream origin. Defaults to 64. */
  connections?: number;
  /** Idle keep-alive socket lifetime in ms. Defaults to 30000. */
  keepAliveMs?: number;
  /** A dispatcher to use instead of an own Agent (tests, proxies). Not closed by the adapter. */
  dispatcher?: Dispatcher;
}

export interface HttpClient {
  /** POSTs JSON; resolves with the 2xx response (body unread) or rejects with an UpstreamError. */
  post(
    url: string,
    headers: Record<string, string>,
    body: unknown,
    signal: AbortSignal,
  ): Promise<Dispatcher.ResponseData>;
  /** POSTs JSON and parses the JSON reply. */
  postJson<T>(url: string, headers: Record<string, string>, body: unknown, signal: AbortSignal): Promise<T>;
  close(): Promise<void>;
}

export function createHttpClient(
  provider: string,
  opts: HttpOptions,
  secrets: (string | undefined)[],
): HttpClient {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const own = opts.dispatcher
    ? undefined
    : new Agent({
        connections: opts.connections ?? 64,
        keepAliveTimeout: opts.keepAliveMs ?? 30_000,
        keepAliveMaxTimeout: 10 * 60_000,
      });
  const dispatcher = opts.dispatcher ?? own!;

  const post: HttpClient["post"] = async (url, headers, body, signal) => {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: "POST",
        dispatcher,
        headers: { "content-type": "application/json", accept: "application/json", ...headers },
        body: JSON.stringify(body),
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (err) {
      throw networkError(provider, err, secrets);
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return res;
    let text = "";
    try {
      text = await res.body.text();
    } catch {
      // The body is only used for the message; the status alone is enough to map.
    }
    throw upstreamError({ provider, status: res.statusCode, body: text, headers: res.headers, secrets });
  };

  return {
    post,
    async postJson<T>(url: string, headers: Record<string, string>, body: unknown, signal: AbortSignal) {
      const res = await post(url, headers, body, signal);
      try {
        return (await res.body.json()) as T;
      } catch (err) {
        throw networkError(provider, err, secrets);
      }
    },
    async close() {
      await own?.close();
    },
  };
}

/** Joins a base URL and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}
