import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import OpenAI from "openai";
import { listen } from "../../helpers/router.js";

/**
 * An OpenAI target takes /v1/responses natively (`responsesApi: native`; the default for
 * api.openai.com): the client's body goes to its /v1/responses with the router's storage rules,
 * and the answer comes back under the router's own resp_ id.
 */
describe("/v1/responses passed through natively to an OpenAI target", () => {
  let oa: FakeOpenAI;
  let compat: FakeOpenAI;
  let router: Awaited<ReturnType<typeof listen>>;
  let client: OpenAI;

  beforeAll(async () => {
    [oa, compat] = await Promise.all([startFakeOpenAI(), startFakeOpenAI()]);
    router = await listen({
      externalProviders: [
        {
          name: "oa",
          type: "openai",
          apiKey: "sk-oa-000000000000",
          baseURL: oa.baseURL,
          responsesApi: "native",
          models: { big: "gpt-5" },
        },
        { name: "compat", type: "openai", baseURL: compat.baseURL, models: ["small"] },
      ],
    });
    client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });

  afterAll(async () => {
    await router.close();
    await Promise.all([oa.close(), compat.close()]);
  });

  beforeEach(() => {
    oa.received.length = 0;
    compat.received.length = 0;
  });

  it("sends the client's body to upstream /v1/responses with store: false and the upstream model", async () => {
    const { data, response } = await client.responses
      .create({
        model: "big",
        input: [{ role: "user", content: [{ type: "input_text", text: "hi" }] }],
        instructions: "Be brief.",
        reasoning: { effort: "low" },
        include: ["reasoning.encrypted_content"],
        prompt_cache_key: "session-1",
        text: { verbosity: "low" },
        metadata: { run: "7" },
      })
      .withResponse();
    expect(response.headers.get("x-router-target")).toBe("oa");
    expect(oa.received).toHaveLength(1);
    expect(oa.received[0]?.path).toBe("/v1/responses");
    expect(oa.received[0]?.headers.authorization).toBe("Bearer sk-oa-000000000000");
    expect(oa.received[0]?.body).toEqual({
      model: "gpt-5",
      input: [{ role: "user", content: [{ type: "input_text", text: "hi" }] }],
      instructions: "Be brief.",
      reasoning: { effort: "low" },
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "session-1",
      text: { verbosity: "low" },
      stream: false,
      // The router stores; the upstream never does, and never sees the router's metadata.
      store: false,
    });
    // The upstream's answer under the router's id, with the router's storage and metadata.
    expect(data.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect((data as unknown as { store: boolean }).store).toBe(true);
    expect(data.metadata).toEqual({ run: "7" });
    expect(data.output_text).toBe("echo: hi");
    expect(data.output[0]).toMatchObject({ id: "msg_upstream_n0", type: "message" });
    expect(data.usage).toMatchObject({
      input_tokens: 9,
      output_tokens: 3,
      input_tokens_details: { cached_tokens: 4 },
    });
    expect((await client.responses.retrieve(data.id)).output_text).toBe("echo: hi");
  });

  it("relays the upstream's typed events with the router's id in every response event", async () => {
    const stream = client.responses.stream({ model: "big", input: "streamed" });
    const ids: string[] = [];
    stream.on("response.created", (e) => ids.push(e.response.id));
    stream.on("response.completed", (e) => ids.push(e.response.id));
    const final = await stream.finalResponse();
    expect(final.output[0]).toMatchObject({ content: [{ text: "echo: streamed" }] });
    expect(ids).toEqual([final.id, final.id]);
    expect(final.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(oa.received[0]?.body).toMatchObject({ stream: true, store: false });
    expect((await client.responses.retrieve(final.id)).id).toBe(final.id);
  });

  it("moves a stored conversation from a translated target to the native one with previous_response_id", async () => {
    const first = await client.responses.create({ model: "small", input: "one" });
    expect(compat.received[0]?.path).toBe("/v1/chat/completions");
    const second = await client.responses.create({
      model: "big",
      previous_response_id: first.id,
      input: "two",
    });
    expect(second.previous_response_id).toBe(first.id);
    const body = oa.received[0]?.body as Record<string, unknown>;
    // The whole conversation as input (item ids stripped: nothing is stored upstream), no chain id.
    expect(body.previous_response_id).toBeUndefined();
    expect(body.input).toEqual([
      { type: "message", role: "user", content: "one" },
      { type: "message", role: "assistant", content: "echo: one" },
      { type: "message", role: "user", content: "two" },
    ]);
  });
});

describe("/v1/responses failover between a native and a translated target", () => {
  let oa: FakeOpenAI;
  let compat: FakeOpenAI;
  let router: Awaited<ReturnType<typeof listen>>;
  let client: OpenAI;

  beforeAll(async () => {
    [oa, compat] = await Promise.all([startFakeOpenAI(), startFakeOpenAI()]);
    router = await listen({
      router: { routingStrategy: "cost", maxRetries: 2, circuitBreaker: { failureThreshold: 100 } },
      externalProviders: [
        {
          name: "oa",
          type: "openai",
          baseURL: oa.baseURL,
          responsesApi: "native",
          models: { big: "gpt-5" },
          pricing: { "gpt-5": { input: 0.01, output: 0.01 } },
        },
        {
          name: "compat",
          type: "openai",
          baseURL: compat.baseURL,
          models: ["big"],
          pricing: { big: { input: 50, output: 50 } },
        },
      ],
    });
    client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });
  afterAll(async () => {
    await router.close();
    await Promise.all([oa.close(), compat.close()]);
  });

  it("answers from the translated target when the native one refuses before the first byte, plain and streamed", async () => {
    const overloaded = {
      status: 503,
      body: { error: { message: "busy", type: "server_error", param: null, code: null } },
    };
    oa.failNext = overloaded;
    const { data, response } = await client.responses.create({ model: "big", input: "fall" }).withResponse();
    expect(response.headers.get("x-router-target")).toBe("compat");
    expect(response.headers.get("x-router-reason")).toBe("failover");
    expect(data.output_text).toBe("echo: fall");
    oa.failNext = overloaded;
    const final = await client.responses.stream({ model: "big", input: "again" }).finalResponse();
    expect(final.output[0]).toMatchObject({ content: [{ text: "echo: again" }] });
    expect(final.status).toBe("completed");
    expect(oa.received.filter((r) => r.path === "/v1/responses")).toHaveLength(2);
  });
});
