import { type Dispatcher, request } from "undici";
import { RouterError } from "./errors.js";

/** A JSON response with the router's routing headers. */
export interface JsonResponse<T> {
  status: number;
  body: T;
  /** `x-router-target`: which target served the request. */
  target?: string;
  /** `x-router-reason`: why (`cheapest`, `failover`...). */
  reason?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Options of one call. */
export interface CallOptions {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Sends one JSON request; non-2xx answers and transport failures become a RouterError. */
export async function callJson<T>(opts: CallOptions): Promise<JsonResponse<T>> {
  let res: Dispatcher.ResponseData;
  try {
    res = await request(opts.url, {
      method: opts.method,
      headers: {
        accept: "application/json",
        ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
        ...opts.headers,
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      signal: opts.signal
        ? AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)])
        : AbortSignal.timeout(opts.timeoutMs),
      dispatcher: opts.dispatcher,
    });
  } catch (err) {
    const e = err as { code?: string; name?: string; message?: string };
    throw new RouterError(0, e.message ?? String(err), { code: e.code ?? e.name ?? null });
  }
  const target = first(res.headers["x-router-target"]);
  const reason = first(res.headers["x-router-reason"]);
  const text = await res.body.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (res.statusCode >= 400) {
    const err = (
      body as { error?: { message?: string; type?: string; code?: string | null; param?: string | null } }
    )?.error;
    const retryAfter = Number(first(res.headers["retry-after"]));
    throw new RouterError(res.statusCode, err?.message ?? (text.slice(0, 200) || `HTTP ${res.statusCode}`), {
      type: err?.type,
      code: err?.code ?? null,
      param: err?.param ?? null,
      target: target && target !== "none" ? target : undefined,
      retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
    });
  }
  return { status: res.statusCode, body: body as T, target, reason, headers: res.headers };
}
