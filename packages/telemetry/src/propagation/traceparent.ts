import { context as apiContext, type Context, type SpanContext, TraceFlags, trace } from "@opentelemetry/api";

/**
 * W3C Trace Context (`traceparent`/`tracestate`) without the SDK: the router must forward trace
 * ids to clusters and providers even when its own telemetry is off, so this is plain parsing.
 * Format: `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`.
 */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const INVALID_TRACE_ID = "0".repeat(32);
const INVALID_SPAN_ID = "0".repeat(16);

/** Headers as node's `IncomingHttpHeaders`, a fetch `Headers`, or a plain record. */
export type HeaderCarrier =
  | Record<string, string | string[] | undefined>
  | { get(name: string): string | null };

function header(carrier: HeaderCarrier, name: string): string | undefined {
  if (typeof (carrier as { get?: unknown }).get === "function") {
    return (carrier as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const rec = carrier as Record<string, string | string[] | undefined>;
  const value = rec[name] ?? rec[Object.keys(rec).find((k) => k.toLowerCase() === name) ?? ""];
  return Array.isArray(value) ? value[0] : value;
}

/** Parses a `traceparent` header value; undefined when it is absent or malformed (per spec: ignore). */
export function parseTraceparent(value: string | undefined, tracestate?: string): SpanContext | undefined {
  if (!value) return undefined;
  const m = TRACEPARENT.exec(value.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  // Version ff is forbidden; version 00 must have nothing after the flags.
  if (version === "ff" || (version === "00" && rest)) return undefined;
  if (traceId === INVALID_TRACE_ID || spanId === INVALID_SPAN_ID) return undefined;
  const spanContext: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  if (tracestate) {
    // tracestate is opaque to us; keep it verbatim through a minimal TraceState implementation.
    spanContext.traceState = rawTraceState(tracestate);
  }
  return spanContext;
}

/** Formats a span context as a `traceparent` header value. */
export function formatTraceparent(sc: SpanContext): string {
  const flags = (sc.traceFlags & 0xff).toString(16).padStart(2, "0");
  return `00-${sc.traceId}-${sc.spanId}-${flags}`;
}

/** Returns `parent` (default: active context) with the remote span from the request's headers. */
export function extractTraceContext(headers: HeaderCarrier, parent: Context = apiContext.active()): Context {
  const sc = parseTraceparent(header(headers, "traceparent"), header(headers, "tracestate"));
  return sc ? trace.setSpanContext(parent, sc) : parent;
}

/**
 * Writes `traceparent` (and `tracestate`) for the span in `ctx` (default: active context) into
 * `headers` and returns them; leaves them untouched when there is no valid span.
 */
export function injectTraceContext<H extends Record<string, string>>(
  headers: H,
  ctx: Context = apiContext.active(),
): H {
  const sc = trace.getSpanContext(ctx);
  if (!sc || !trace.isSpanContextValid(sc)) return headers;
  (headers as Record<string, string>).traceparent = formatTraceparent(sc);
  const state = sc.traceState?.serialize();
  if (state) (headers as Record<string, string>).tracestate = state;
  return headers;
}

function rawTraceState(raw: string): NonNullable<SpanContext["traceState"]> {
  const entries = new Map<string, string>();
  for (const member of raw.split(",")) {
    const eq = member.indexOf("=");
    if (eq > 0) entries.set(member.slice(0, eq).trim(), member.slice(eq + 1).trim());
  }
  const make = (m: Map<string, string>): NonNullable<SpanContext["traceState"]> => ({
    get: (key) => m.get(key),
    set: (key, value) => make(new Map([[key, value], ...[...m].filter(([k]) => k !== key)])),
    unset: (key) => make(new Map([...m].filter(([k]) => k !== key))),
    serialize: () => [...m].map(([k, v]) => `${k}=${v}`).join(","),
  });
  return make(entries);
}
