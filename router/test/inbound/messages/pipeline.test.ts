import Anthropic from "@anthropic-ai/sdk";
import { type FakeOpenAI, type FakeServer, startFakeAnthropic, startFakeOpenAI } from "@llm/testing";
import { createOpenGuard } from "../../../src/tenants/open-guard.js";
import type { UsageRecord } from "../../../src/usage/types.js";
import { listen } from "../../helpers/router.js";

/** `/v1/messages` on the chat pipeline: ledger, headers, thinking, effort and per-target fields. */
describe("/v1/messages through the shared pipeline", () => {
  let up: FakeOpenAI;
  let cluster: FakeOpenAI;
  let router: Awaited<ReturnType<typeof listen>>;
  let client: Anthropic;
  const records: UsageRecord[] = [];

  beforeAll(async () => {
    up = await startFakeOpenAI({ reasoning: "Let me think." });
    cluster = await startFakeOpenAI({ name: "c" });
    router = await listen(
      {
        router: { maxRetries: 0 },
        clusters: [
          // A runtime that takes top_k (its capabilities say so).
          {
            name: "c",
            endpoint: cluster.url,
            models: ["tiny"],
            capabilities: ["chat", "streaming", "top_k"],
          },
        ],
        externalProviders: [
          {
            name: "oa",
            type: "openai",
            apiKey: "sk-oa-000000000000",
            baseURL: `${up.url}/v1`,
            models: { "claude-opus-4-5": "o4-mini" },
          },
        ],
      },
      { guard: createOpenGuard(), usage: { record: (r) => void records.push(r) } },
    );
    client = new Anthropic({ baseURL: router.url, apiKey: "unused", maxRetries: 0 });
  });
  afterEach(() => {
    up.received.length = 0;
    cluster.received.length = 0;
    records.length = 0;
  });
  afterAll(async () => {
    await router.close();
    await up.close();
    await cluster.close();
  });

  it("books the request in the ledger as endpoint messages and stamps the x-router-* headers", async () => {
    const { response } = await client.messages
      .create({ model: "claude-opus-4-5", max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(response.headers.get("x-router-target")).toBe("oa");
    expect(response.headers.get("x-router-reason")).toBeTruthy();
    expect(response.headers.get("x-router-overhead-ms")).toMatch(/^\d+\.\d+$/);
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      endpoint: "messages",
      target: "oa",
      model: "claude-opus-4-5",
      upstreamModel: "o4-mini",
      promptTokens: 7,
      completionTokens: 3,
      status: 200,
      stream: false,
    });

    await client.messages
      .stream({ model: "claude-opus-4-5", max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
      .finalMessage();
    expect(records[1]).toMatchObject({
      endpoint: "messages",
      stream: true,
      promptTokens: 7,
      completionTokens: 3,
    });
  });

  it("asks for reasoning from a thinking budget or an effort, and answers reasoning_content as a thinking block", async () => {
    const msg = await client.messages.create({
      model: "claude-opus-4-5",
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 2048 },
      messages: [{ role: "user", content: "hi" }],
    });
    expect(up.received[0]!.body.reasoning_effort).toBe("low");
    expect(msg.content).toEqual([
      { type: "thinking", thinking: "Let me think.", signature: "" },
      { type: "text", text: "echo: hi", citations: null },
    ]);

    const streamed = await client.messages
      .stream({
        model: "claude-opus-4-5",
        max_tokens: 4096,
        thinking: { type: "adaptive" },
        output_config: { effort: "max" },
        messages: [{ role: "user", content: "hi" }],
      })
      .finalMessage();
    expect(up.received[1]!.body.reasoning_effort).toBe("high");
    expect(streamed.content.map((b) => b.type)).toEqual(["thinking", "text"]);
    expect(streamed.content[0]).toMatchObject({ thinking: "Let me think." });
  });

  it("sends top_k only to a target that lists it", async () => {
    await client.messages.create({
      model: "tiny",
      max_tokens: 8,
      messages: [{ role: "user", content: "hi" }],
      ...({ top_k: 5 } as object),
    });
    expect(cluster.received[0]!.body.top_k).toBe(5);
    await client.messages.create({
      model: "claude-opus-4-5",
      max_tokens: 8,
      messages: [{ role: "user", content: "hi" }],
      ...({ top_k: 5 } as object),
    });
    expect(up.received[0]!.body).not.toHaveProperty("top_k");
  });
});

/** Failover before the first byte: each attempt gets its own call, native or translated. */
describe("/v1/messages failing over between an Anthropic and an OpenAI-compatible target", () => {
  let an: FakeServer;
  let oa: FakeOpenAI;
  let router: Awaited<ReturnType<typeof listen>>;
  let client: Anthropic;

  beforeAll(async () => {
    an = await startFakeAnthropic();
    oa = await startFakeOpenAI();
    router = await listen({
      router: { routingStrategy: "external_first", maxRetries: 1, circuitBreaker: { failureThreshold: 100 } },
      externalProviders: [
        {
          name: "an",
          type: "claude",
          apiKey: "sk-ant-0000000000",
          baseURL: an.url,
          models: { shared: "claude-haiku-4-5" },
        },
        {
          name: "oa",
          type: "openai",
          apiKey: "sk-oa-000000000000",
          baseURL: `${oa.url}/v1`,
          models: { shared: "gpt-4.1" },
        },
      ],
    });
    client = new Anthropic({ baseURL: router.url, apiKey: "unused", maxRetries: 0 });
  });
  afterAll(async () => {
    await router.close();
    await an.close();
    await oa.close();
  });

  it("answers from the second target, translated, when the native one fails before the first byte", async () => {
    const first = await client.messages
      .create({ model: "shared", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    const order = [first.response.headers.get("x-router-target")];
    const other = order[0] === "an" ? "oa" : "an";
    // Whichever answered first now fails once: the stream must come from the other, whole.
    if (order[0] === "an")
      an.failNext = { status: 500, body: { type: "error", error: { type: "api_error", message: "boom" } } };
    else oa.failNext = { status: 500, body: { error: { message: "boom", type: "server_error" } } };
    const stream = client.messages.stream({
      model: "shared",
      max_tokens: 8,
      messages: [{ role: "user", content: "hi" }],
    });
    const msg = await stream.finalMessage();
    const { response } = await stream.withResponse();
    expect(response.headers.get("x-router-target")).toBe(other);
    expect(response.headers.get("x-router-reason")).toBe("failover");
    expect(msg.content[0]).toMatchObject({ type: "text", text: other === "an" ? "Hello" : "echo: hi" });
    expect(msg.stop_reason).toBe("end_turn");
  });
});
