import { ensureModel } from "@llm/gguf";
import { type RuntimeHandle, startRuntime } from "@llm/runtime";
import { GenAiAttr, setupTelemetry, type Telemetry } from "@llm/telemetry";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-node";
import OpenAI from "openai";
import { listen } from "../helpers/router.js";

const SECRET = "trace-cluster-secret-0123456789";
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN = "00f067aa0ba902b7";

/** W3C trace context flows client -> router -> runtime, and each hop records gen_ai.* attributes. */
describe("tracing across router and runtime", () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry;
  let runtime: RuntimeHandle;
  let router: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    // Router and runtime share this process, so one in-memory exporter sees both hops' spans;
    // the link between them still goes through the traceparent header on the wire.
    telemetry = await setupTelemetry({ serviceName: "trace-test", exporter });
    runtime = await startRuntime({ model: await ensureModel("tiny"), hmacSecret: SECRET, threads: 1 });
    router = await listen({
      router: { defaultMaxTokens: 4, healthCheckInterval: "1h" },
      clusters: [
        {
          name: "traced-cpu",
          endpoint: runtime.url,
          models: ["tiny"],
          costPerHour: 0.01,
          authType: "hmac",
          sharedSecret: SECRET,
        },
      ],
    });
  });

  afterAll(async () => {
    await router?.close();
    await runtime?.close(0);
    await telemetry?.close();
  });

  function waitForSpans(n: number): Promise<ReadableSpan[]> {
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + 10_000;
      const poll = () => {
        const spans = exporter.getFinishedSpans();
        if (spans.length >= n) resolve(spans);
        else if (Date.now() > deadline) reject(new Error(`only ${spans.length} spans finished`));
        else setTimeout(poll, 20);
      };
      poll();
    });
  }

  it("continues the client's trace in the router and the runtime, parent to child", async () => {
    exporter.reset();
    const client = new OpenAI({
      baseURL: `${router.url}/v1`,
      apiKey: "none",
      maxRetries: 0,
      defaultHeaders: { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` },
    });
    const res = await client.chat.completions.create({
      model: "tiny",
      messages: [{ role: "user", content: "Hello" }],
      max_tokens: 3,
    });

    const spans = await waitForSpans(2);
    const runtimeSpan = spans.find((s) => s.attributes[GenAiAttr.system] === "llama_cpp");
    const routerSpan = spans.find((s) => s.attributes[GenAiAttr.routerTarget] === "traced-cpu");
    expect(routerSpan).toBeDefined();
    expect(runtimeSpan).toBeDefined();
    if (!routerSpan || !runtimeSpan) return;

    expect(routerSpan.spanContext().traceId).toBe(TRACE_ID);
    expect(routerSpan.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
    expect(runtimeSpan.spanContext().traceId).toBe(TRACE_ID);
    expect(runtimeSpan.parentSpanContext?.spanId).toBe(routerSpan.spanContext().spanId);

    expect(routerSpan.attributes[GenAiAttr.operationName]).toBe("chat");
    expect(routerSpan.attributes[GenAiAttr.requestModel]).toBe("tiny");
    expect(routerSpan.attributes[GenAiAttr.outputTokens]).toBe(res.usage?.completion_tokens);
    expect(routerSpan.attributes[GenAiAttr.routerCostUsd]).toBeGreaterThanOrEqual(0);
    expect(runtimeSpan.attributes[GenAiAttr.inputTokens]).toBe(res.usage?.prompt_tokens);
    expect(runtimeSpan.attributes[GenAiAttr.outputTokens]).toBe(res.usage?.completion_tokens);
    expect(runtimeSpan.attributes[GenAiAttr.finishReasons]).toEqual([res.choices[0]?.finish_reason]);
  });
});
