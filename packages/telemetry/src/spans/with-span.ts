import {
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";

/** Options of {@link withSpan}. */
export interface WithSpanOptions {
  /** Parent context, e.g. from `extractTraceContext(req.headers)`. Defaults to the active context. */
  parent?: Context;
  /** Span kind. Defaults to `SERVER` (an inbound request). */
  kind?: SpanKind;
}

/**
 * Runs `fn` inside a new active span, records an exception and ERROR status when it throws, and
 * always ends the span. With telemetry off the tracer is a no-op and this costs a function call.
 */
export async function withSpan<T>(
  tracer: Tracer,
  name: string,
  fn: (span: Span) => Promise<T> | T,
  opts: WithSpanOptions = {},
): Promise<T> {
  const parent = opts.parent ?? context.active();
  const span = tracer.startSpan(name, { kind: opts.kind ?? SpanKind.SERVER }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}
