import { type Context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { type GenAiSpanInfo, genAiSpanName, setGenAiAttributes } from "../attributes/gen-ai.js";
import { extractTraceContext, type HeaderCarrier, injectTraceContext } from "../propagation/traceparent.js";

/** Options of {@link startInferenceSpan}. */
export interface InferenceSpanOptions {
  /** `chat`, `text_completion` or `embeddings`. */
  operation: string;
  /** Model the client asked for. */
  requestModel?: string;
  /** Incoming request headers: the span continues their `traceparent`. */
  headers: HeaderCarrier;
  /** Provider family for `gen_ai.system` (`llama_cpp` in the runtime). Defaults to unset. */
  system?: string;
  /** Tracer to use. Defaults to the global one (a no-op until `setupTelemetry` turns tracing on). */
  tracer?: Tracer;
  /** Span kind. Defaults to `SERVER`. */
  kind?: SpanKind;
}

/** One inference request's span. */
export interface InferenceSpan {
  readonly span: Span;
  /** Context holding the span, for `context.with` or child spans. */
  readonly context: Context;
  /**
   * `traceparent`/`tracestate` to send upstream. With tracing on they name this span; with it off
   * they repeat the incoming ones, so trace ids still flow through the router to the clusters.
   */
  readonly traceHeaders: Record<string, string>;
  /** Sets what is known at the end and ends the span; later calls do nothing. */
  end(info?: GenAiSpanInfo & { status?: number; error?: unknown }): void;
}

/**
 * Starts the span of one inference request: a child of the incoming `traceparent`, named
 * `"{operation} {model}"`, with `gen_ai.*` attributes. HTTP status >= 500 or an error marks it
 * as an ERROR. Costs next to nothing while tracing is off.
 */
export function startInferenceSpan(opts: InferenceSpanOptions): InferenceSpan {
  const tracer = opts.tracer ?? trace.getTracer("@llm/telemetry");
  const parent = extractTraceContext(opts.headers);
  const span = tracer.startSpan(
    genAiSpanName(opts.operation, opts.requestModel),
    { kind: opts.kind ?? SpanKind.SERVER },
    parent,
  );
  setGenAiAttributes(span, {
    operation: opts.operation,
    requestModel: opts.requestModel,
    system: opts.system,
  });
  const ctx = trace.setSpan(parent, span);
  let ended = false;
  return {
    span,
    context: ctx,
    traceHeaders: injectTraceContext({}, ctx),
    end(info = {}) {
      if (ended) return;
      ended = true;
      const { status, error, ...genAi } = info;
      setGenAiAttributes(span, genAi);
      if (status !== undefined) span.setAttribute("http.response.status_code", status);
      if (error !== undefined) {
        span.recordException(error instanceof Error ? error : String(error));
      }
      if (error !== undefined || (status !== undefined && status >= 500)) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message:
            error instanceof Error ? error.message : status !== undefined ? `HTTP ${status}` : String(error),
        });
      }
      span.end();
    },
  };
}
