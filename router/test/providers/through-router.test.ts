import { type FakeServer, startFakeAnthropic, startFakeGemini, startFakeOpenAI } from "@llm/testing";
import OpenAI from "openai";
import { createPriceTable } from "../../src/pricing/table.js";
import { listen } from "../helpers/router.js";

describe("external providers through the router (openai SDK as the client)", () => {
  let oa: FakeServer;
  let an: FakeServer;
  let ge: FakeServer;
  let router: Awaited<ReturnType<typeof listen>>;
  let client: OpenAI;

  beforeAll(async () => {
    [oa, an, ge] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
    router = await listen({
      router: { routingStrategy: "cost", maxRetries: 2, circuitBreaker: { failureThreshold: 100 } },
      externalProviders: [
        {
          name: "oa",
          type: "openai",
          apiKey: "sk-oa-000000000000",
          baseURL: `${oa.url}/v1`,
          models: { a: "gpt-4o-mini", emb: "text-embedding-3-small", unpriced: "my-finetune" },
        },
        {
          name: "an",
          type: "claude",
          apiKey: "sk-ant-0000000000",
          baseURL: an.url,
          models: { b: "claude-haiku-4-5", shared: "claude-haiku-4-5" },
        },
        {
          name: "ge",
          type: "gemini",
          apiKey: "AIzaTESTKEY000000000",
          baseURL: ge.url,
          models: { c: "gemini-2.5-pro", gemb: "text-embedding-004", shared: "gemini-2.5-pro" },
        },
      ],
    });
    client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });

  afterAll(async () => {
    await router.close();
    await Promise.all([oa.close(), an.close(), ge.close()]);
  });

  it.each([
    ["a", "oa", "echo: hi"],
    ["b", "an", "Hello"],
    ["c", "ge", "Hello"],
  ])("serves model %s from %s, plain and streamed", async (model, target, text) => {
    const { data, response } = await client.chat.completions
      .create({ model, messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(text);
    expect(response.headers.get("x-router-target")).toBe(target);
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let streamed = "";
    for await (const c of stream) streamed += c.choices[0]?.delta?.content ?? "";
    expect(streamed).toBe(text);
  });

  it("prices an answer from the provider's table in x-router-cost-usd, and leaves an unpriced model unpriced", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "a", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    const price = createPriceTable().lookup("openai", "gpt-4o-mini");
    expect(price).toBeDefined();
    const expected =
      ((data.usage?.prompt_tokens ?? 0) * price!.inputPer1M +
        (data.usage?.completion_tokens ?? 0) * price!.outputPer1M) /
      1e6;
    expect(expected).toBeGreaterThan(0);
    expect(Number(response.headers.get("x-router-cost-usd"))).toBeCloseTo(expected, 10);
    const unpriced = await client.chat.completions
      .create({ model: "unpriced", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(unpriced.response.headers.get("x-router-target")).toBe("oa");
    expect(unpriced.response.headers.has("x-router-cost-usd")).toBe(false);
  });

  it("embeds through the OpenAI-compatible and Gemini adapters", async () => {
    const e1 = await client.embeddings.create({ model: "emb", input: ["x", "y"] });
    expect(e1.data).toHaveLength(2);
    const e2 = await client.embeddings.create({ model: "gemb", input: "x" });
    expect(e2.data[0]?.embedding).toEqual([0, 0.5, 0.25]);
    expect(ge.received.at(-1)!.url).toBe("/v1beta/models/text-embedding-004:batchEmbedContents");
  });

  it("fails over from an overloaded Anthropic (529) to Gemini before the first byte", async () => {
    an.failNext = {
      status: 529,
      body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    };
    ge.failNext = undefined;
    // The cost strategy puts claude-haiku-4-5 ($1/$5) ahead of gemini-2.5-pro ($1.25/$10).
    const { data, response } = await client.chat.completions
      .create({ model: "shared", messages: [{ role: "user", content: "hi" }], stream: true })
      .withResponse();
    let text = "";
    for await (const c of data) text += c.choices[0]?.delta?.content ?? "";
    expect(text).toBe("Hello");
    expect(response.headers.get("x-router-target")).toBe("ge");
    expect(response.headers.get("x-router-reason")).toBe("failover");
  });

  it("relays a non-retryable upstream 400 as an OpenAI error without trying others", async () => {
    an.failNext = {
      status: 400,
      body: { type: "error", error: { type: "invalid_request_error", message: "messages: bad" } },
    };
    const before = ge.received.length;
    const err = (await client.chat.completions
      .create({ model: "b", messages: [{ role: "user", content: "hi" }] })
      .catch((e) => e)) as {
      status: number;
      error: { message: string };
    };
    expect(err.status).toBe(400);
    expect(err.error.message).toContain("anthropic: messages: bad");
    expect(ge.received.length).toBe(before);
  });
});
