export type { Context, Span, Tracer } from "@opentelemetry/api";
export { SpanKind, SpanStatusCode } from "@opentelemetry/api";
export * from "./attributes/gen-ai.js";
export * from "./propagation/traceparent.js";
export * from "./setup/telemetry.js";
export * from "./spans/inference-span.js";
export * from "./spans/with-span.js";
