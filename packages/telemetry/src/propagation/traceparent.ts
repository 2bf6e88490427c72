import {
  context as apiContext,
  type Context,
  isSpanContextValid,
  type SpanContext,
  type TextMapGetter,
  type TextMapSetter,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import { parseTraceParent, TraceState, W3CTraceContextPropagator } from "@opentelemetry/core";

/**
 * W3C Trace Context (`traceparent`/`tracestate`) through OpenTelemetry's own propagator, used
 * without the SDK: the router must forward trace ids to clusters and providers even when its
 * own telemetry is off. The propagator enforces the format
 * (`<2 hex version, not ff>-<32 hex trace id, not all 0>-<16 hex parent id, not all 0>-<2 hex flags>`,
 * nothing after the flags in version 00) and validates tracestate members.
 */
const propagator = new W3CTraceContextPropagator();

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

/**
 * Reads either carrier kind, matching header names case-insensitively as HTTP does; values are
 * trimmed (the propagator allows one space around traceparent, a plain record may carry more).
 */
const getter: TextMapGetter<HeaderCarrier> = {
  get: (carrier, key) => header(carrier, key)?.trim(),
  keys: (carrier) =>
    typeof (carrier as { keys?: unknown }).keys === "function"
      ? [...(carrier as Headers).keys()]
      : Object.keys(carrier),
};

/** Writes into a plain record; an empty tracestate (no valid member left) is not sent. */
const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    if (value !== "") carrier[key] = value;
  },
};

/**
 * Only the `sampled` flag is defined by trace-context level 1, whose rule is that other bits are
 * passed on as zero; the propagator keeps every bit, so they are cleared here.
 */
function sampledOnly(sc: SpanContext): SpanContext {
  const flags = sc.traceFlags & TraceFlags.SAMPLED;
  return flags === sc.traceFlags ? sc : { ...sc, traceFlags: flags };
}

/** Parses a `traceparent` header value; undefined when it is absent or malformed (per spec: ignore). */
export function parseTraceparent(value: string | undefined, tracestate?: string): SpanContext | undefined {
  if (!value) return undefined;
  const parsed = parseTraceParent(value.trim());
  if (!parsed) return undefined;
  const spanContext: SpanContext = sampledOnly({ ...parsed, isRemote: true });
  if (tracestate) spanContext.traceState = new TraceState(tracestate);
  return spanContext;
}

/** Formats a span context as a `traceparent` header value. */
export function formatTraceparent(sc: SpanContext): string {
  const flags = (sc.traceFlags & 0xff).toString(16).padStart(2, "0");
  return `00-${sc.traceId}-${sc.spanId}-${flags}`;
}

/** Returns `parent` (default: active context) with the remote span from the request's headers. */
export function extractTraceContext(headers: HeaderCarrier, parent: Context = apiContext.active()): Context {
  const ctx = propagator.extract(parent, headers, getter);
  if (ctx === parent) return parent;
  const sc = trace.getSpanContext(ctx);
  if (!sc) return ctx;
  const masked = sampledOnly(sc);
  return masked === sc ? ctx : trace.setSpanContext(parent, masked);
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
  if (!sc || !isSpanContextValid(sc)) return headers;
  propagator.inject(ctx, headers, setter);
  return headers;
}
