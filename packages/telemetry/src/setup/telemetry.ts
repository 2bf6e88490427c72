import { context, propagation, type Tracer, trace } from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace-node";

/** Options of {@link setupTelemetry}. Telemetry is off unless `endpoint`, `exporter` or the env var is set. */
export interface TelemetryOptions {
  /** `service.name` resource attribute, e.g. `llm-router` or `llm-runtime`. */
  serviceName: string;
  /** `service.version` resource attribute. Defaults to unset. */
  serviceVersion?: string;
  /**
   * OTLP/HTTP base endpoint (`http://collector:4318`); `/v1/traces` is appended. Defaults to
   * `OTEL_EXPORTER_OTLP_ENDPOINT` from `env`. When neither this, `exporter` nor the env var is set,
   * telemetry stays off and no SDK module is loaded.
   */
  endpoint?: string;
  /** A span exporter to use instead of OTLP (tests pass an `InMemorySpanExporter`). Turns telemetry on. */
  exporter?: SpanExporter;
  /**
   * Export each span as it ends instead of batching. Defaults to `true` when `exporter` is given
   * (tests want spans at once) and `false` for OTLP (batching keeps the hot path cheap).
   */
  simpleProcessor?: boolean;
  /**
   * Register as the global tracer provider, context manager and W3C propagator so that
   * `trace.getTracer()` anywhere in the process reaches this exporter. Defaults to `true`.
   */
  registerGlobal?: boolean;
  /** Environment to read `OTEL_*` variables from. Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** The handle a process keeps for its lifetime; `close()` flushes pending spans. */
export interface Telemetry extends AsyncDisposable {
  /** True when an SDK is exporting spans; false means every span is a free no-op. */
  readonly enabled: boolean;
  /** Tracer to start spans with (a no-op tracer when disabled). */
  readonly tracer: Tracer;
  /** Flushes pending spans (no-op when disabled). */
  flush(): Promise<void>;
  /** Flushes and shuts the SDK down; unregisters the globals it registered. */
  close(): Promise<void>;
}

const TRACER_NAME = "@llm/telemetry";

/** Resolves whether telemetry should be on, without loading anything. */
export function telemetryEndpoint(opts: Pick<TelemetryOptions, "endpoint" | "env">): string | undefined {
  const env = opts.env ?? process.env;
  const value = opts.endpoint ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!value || env.OTEL_SDK_DISABLED === "true") return undefined;
  return value;
}

function disabledTelemetry(serviceName: string): Telemetry {
  const noop = async () => {};
  return {
    enabled: false,
    // With no global provider registered the API hands back a no-op tracer: spans cost nothing.
    tracer: trace.getTracer(serviceName),
    flush: noop,
    close: noop,
    [Symbol.asyncDispose]: noop,
  };
}

/**
 * Sets OpenTelemetry tracing up for a router or runtime process. Off by default: the SDK and
 * the OTLP exporter are imported lazily, only when an endpoint or exporter is configured.
 */
export async function setupTelemetry(opts: TelemetryOptions): Promise<Telemetry> {
  const endpoint = telemetryEndpoint(opts);
  if (!opts.exporter && !endpoint) return disabledTelemetry(opts.serviceName);

  const [{ NodeTracerProvider, BatchSpanProcessor, SimpleSpanProcessor }, { resourceFromAttributes }] =
    await Promise.all([import("@opentelemetry/sdk-trace-node"), import("@opentelemetry/resources")]);

  let exporter = opts.exporter;
  if (!exporter) {
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    exporter = new OTLPTraceExporter({ url: `${String(endpoint).replace(/\/+$/, "")}/v1/traces` });
  }
  const simple = opts.simpleProcessor ?? opts.exporter !== undefined;
  const processor = simple ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      "service.name": opts.serviceName,
      ...(opts.serviceVersion ? { "service.version": opts.serviceVersion } : {}),
    }),
    spanProcessors: [processor],
  });
  const registerGlobal = opts.registerGlobal ?? true;
  if (registerGlobal) provider.register();

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await provider.shutdown();
    if (registerGlobal) {
      trace.disable();
      context.disable();
      propagation.disable();
    }
  };
  return {
    enabled: true,
    tracer: provider.getTracer(TRACER_NAME),
    flush: () => provider.forceFlush(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
