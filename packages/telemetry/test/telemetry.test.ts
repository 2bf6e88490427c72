import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { context, SpanKind, trace } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-node";
import {
  extractTraceContext,
  formatTraceparent,
  GenAiAttr,
  injectTraceContext,
  parseTraceparent,
  setGenAiAttributes,
  setupTelemetry,
  startInferenceSpan,
  telemetryEndpoint,
  withSpan,
} from "../src/index.js";

const PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("telemetry setup", () => {
  it("stays off, with a no-op tracer, when no endpoint or exporter is configured", async () => {
    const t = await setupTelemetry({ serviceName: "svc", env: {} });
    expect(t.enabled).toBe(false);
    const span = t.tracer.startSpan("x");
    expect(span.isRecording()).toBe(false);
    span.end();
    await t.close();
  });

  it("turns on from OTEL_EXPORTER_OTLP_ENDPOINT and honours OTEL_SDK_DISABLED", () => {
    expect(telemetryEndpoint({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" } })).toBe(
      "http://c:4318",
    );
    expect(
      telemetryEndpoint({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" } }),
    ).toBeUndefined();
    expect(telemetryEndpoint({ env: {} })).toBeUndefined();
  });
});

describe("traceparent", () => {
  it("parses and formats W3C traceparent values", () => {
    const sc = parseTraceparent(PARENT);
    expect(sc).toMatchObject({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7" });
    expect(sc && formatTraceparent(sc)).toBe(PARENT);
  });

  it.each([
    ["garbage"],
    ["00-00000000000000000000000000000000-00f067aa0ba902b7-01"],
    ["00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"],
    ["ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
    ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"],
  ])("ignores the invalid value %s", (value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it("round-trips through extract and inject, keeping tracestate", () => {
    const ctx = extractTraceContext({ traceparent: PARENT, tracestate: "vendor=abc,other=1" });
    expect(injectTraceContext({}, ctx)).toEqual({ traceparent: PARENT, tracestate: "vendor=abc,other=1" });
  });

  it("reads fetch-style Headers and leaves headers alone without a span", () => {
    const ctx = extractTraceContext(new Headers({ TraceParent: PARENT }));
    expect(trace.getSpanContext(ctx)?.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(injectTraceContext({ a: "1" }, context.active())).toEqual({ a: "1" });
  });
});

describe("spans through the helper", () => {
  it("exports a child span of the incoming traceparent with gen_ai attributes, and injects it downstream", async () => {
    const exporter = new InMemorySpanExporter();
    const t = await setupTelemetry({ serviceName: "llm-router", exporter, env: {} });
    try {
      expect(t.enabled).toBe(true);
      const parent = extractTraceContext({ traceparent: PARENT });
      let downstream: Record<string, string> = {};
      await withSpan(
        t.tracer,
        "chat tinyllama",
        (span) => {
          setGenAiAttributes(span, {
            operation: "chat",
            requestModel: "tinyllama",
            responseModel: "tinyllama-1.1b-q4",
            inputTokens: 12,
            outputTokens: 34,
            finishReasons: ["stop"],
            target: "cluster:aws",
            costUsd: 0.00042,
            system: undefined,
          });
          downstream = injectTraceContext({});
        },
        { parent, kind: SpanKind.SERVER },
      );
      await t.flush();
      const spans = exporter.getFinishedSpans();
      expect(spans).toHaveLength(1);
      const span = spans[0]!;
      expect(span.spanContext().traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
      expect(span.parentSpanContext?.spanId).toBe("00f067aa0ba902b7");
      expect(span.attributes).toEqual({
        [GenAiAttr.operationName]: "chat",
        [GenAiAttr.requestModel]: "tinyllama",
        [GenAiAttr.responseModel]: "tinyllama-1.1b-q4",
        [GenAiAttr.inputTokens]: 12,
        [GenAiAttr.outputTokens]: 34,
        [GenAiAttr.finishReasons]: ["stop"],
        [GenAiAttr.routerTarget]: "cluster:aws",
        [GenAiAttr.routerCostUsd]: 0.00042,
      });
      expect(span.resource.attributes["service.name"]).toBe("llm-router");
      // The downstream call carries the same trace with this span as its parent.
      expect(downstream.traceparent).toBe(
        `00-4bf92f3577b34da6a3ce929d0e0e4736-${span.spanContext().spanId}-01`,
      );
    } finally {
      await t.close();
    }
  });

  it("marks the span as an error when the wrapped function throws", async () => {
    const exporter = new InMemorySpanExporter();
    const t = await setupTelemetry({ serviceName: "llm-runtime", exporter, env: {} });
    try {
      await expect(
        withSpan(t.tracer, "chat m", () => {
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      const [span] = exporter.getFinishedSpans();
      expect(span?.status.code).toBe(2);
      expect(span?.events[0]?.name).toBe("exception");
    } finally {
      await t.close();
    }
  });
});

describe("inference spans", () => {
  it("pass the incoming traceparent through unchanged while telemetry is off", () => {
    const s = startInferenceSpan({ operation: "chat", requestModel: "m", headers: { traceparent: PARENT } });
    expect(s.span.isRecording()).toBe(false);
    expect(s.traceHeaders).toEqual({ traceparent: PARENT });
    s.end({ status: 200 });
    expect(startInferenceSpan({ operation: "chat", headers: {} }).traceHeaders).toEqual({});
  });

  it("record a child span with request and response attributes and mark 5xx as errors", async () => {
    const exporter = new InMemorySpanExporter();
    const t = await setupTelemetry({ serviceName: "llm-runtime", exporter, env: {} });
    try {
      const ok = startInferenceSpan({
        operation: "chat",
        requestModel: "tiny",
        headers: { traceparent: PARENT },
        system: "llama_cpp",
      });
      expect(ok.traceHeaders.traceparent).toBe(
        `00-4bf92f3577b34da6a3ce929d0e0e4736-${ok.span.spanContext().spanId}-01`,
      );
      ok.end({
        status: 200,
        responseModel: "tiny-q4",
        inputTokens: 3,
        outputTokens: 5,
        finishReasons: ["length"],
      });
      ok.end({ status: 500 });
      const failed = startInferenceSpan({ operation: "chat", requestModel: "tiny", headers: {} });
      failed.end({ status: 503 });
      const [a, b] = exporter.getFinishedSpans();
      expect(a?.name).toBe("chat tiny");
      expect(a?.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.system": "llama_cpp",
        "gen_ai.request.model": "tiny",
        "gen_ai.response.model": "tiny-q4",
        "gen_ai.usage.input_tokens": 3,
        "gen_ai.usage.output_tokens": 5,
        "gen_ai.response.finish_reasons": ["length"],
        "http.response.status_code": 200,
      });
      expect(a?.status.code).toBe(0);
      expect(b?.status.code).toBe(2);
      expect(b?.parentSpanContext).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});

describe("OTLP export", () => {
  it("sends spans to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces over OTLP/HTTP", async () => {
    const received: { path?: string; body: string }[] = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ path: req.url, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{}");
      });
    });
    await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    const t = await setupTelemetry({
      serviceName: "llm-router",
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
    });
    try {
      expect(t.enabled).toBe(true);
      const s = startInferenceSpan({ operation: "chat", requestModel: "exported-model", headers: {} });
      s.end({ status: 200, target: "cluster-a" });
      await t.flush();
      expect(received).toHaveLength(1);
      expect(received[0]?.path).toBe("/v1/traces");
      expect(received[0]?.body).toContain("chat exported-model");
      expect(received[0]?.body).toContain("llm.router.target");
    } finally {
      await t.close();
      await new Promise<void>((r) => collector.close(() => r()));
    }
  });
});
