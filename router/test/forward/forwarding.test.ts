import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { FakeUpstream } from "@llm/testing";
import OpenAI from "openai";
import { config, createApp, type ErrorJson, listen, post, silent } from "../helpers/router.js";

const SECRET = "cluster-secret-0123456789";

describe("forwarding through the router", () => {
  let a: FakeUpstream;
  let b: FakeUpstream;
  let router: Awaited<ReturnType<typeof listen>>;
  let client: OpenAI;

  beforeAll(async () => {
    a = await new FakeUpstream({ name: "a", hmacSecret: SECRET }).start();
    b = await new FakeUpstream({ name: "b", hmacSecret: SECRET }).start();
    router = await listen({
      router: { routingStrategy: "cost", maxRetries: 2, circuitBreaker: { failureThreshold: 100 } },
      clusters: [
        {
          name: "a",
          endpoint: a.url,
          authType: "hmac",
          sharedSecret: SECRET,
          models: ["tiny"],
          costPerHour: 0.01,
        },
        {
          name: "b",
          endpoint: b.url,
          authType: "hmac",
          sharedSecret: SECRET,
          models: ["tiny"],
          costPerHour: 0.02,
        },
      ],
    });
    client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });

  afterEach(() => {
    a.mode = "ok";
    b.mode = "ok";
    a.received.length = 0;
    b.received.length = 0;
  });

  afterAll(async () => {
    await router.close();
    await a.close();
    await b.close();
  });

  it("answers a chat completion from the cheapest cluster, HMAC-signed, with routing headers", async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: "tiny",
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 8,
        stream_options: { include_usage: true },
      })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe("hello from a");
    expect(response.headers.get("x-router-target")).toBe("a");
    expect(response.headers.get("x-router-reason")).toBe("lowest_cost");
    expect(a.received[0]?.body).toMatchObject({ model: "tiny", max_tokens: 8, stream: false });
    expect(a.received[0]?.body).not.toHaveProperty("stream_options");
    expect(a.received[0]?.headers["x-llm-signature"]).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(b.count).toBe(0);
  });

  it("prices the answer in x-router-cost-usd from the reported usage and the cluster's $/h", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "tiny", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    const tokens = (data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0);
    expect(tokens).toBeGreaterThan(0);
    // Cluster a: $0.01/h at the assumed 20 tokens/s until a throughput is measured.
    const header = response.headers.get("x-router-cost-usd") ?? "";
    expect(header).toMatch(/^\d+\.\d+$/);
    expect(Number(header)).toBeCloseTo((0.01 / (20 * 3600)) * tokens, 10);
  });

  it("streams chunks through and hides the usage chunk the client did not ask for", async () => {
    const stream = await client.chat.completions.create({
      model: "tiny",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    const parts: string[] = [];
    let sawUsage = false;
    for await (const chunk of stream) {
      if (chunk.usage) sawUsage = true;
      parts.push(chunk.choices[0]?.delta.content ?? "");
    }
    expect(parts.join("")).toBe("hello from a");
    expect(sawUsage).toBe(false);
    // The router asked upstream for usage anyway, so streamed tokens are counted.
    expect(a.received[0]?.body.stream_options).toEqual({ include_usage: true });
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toMatch(/llm_router_tokens_total\{target="a",type="completion"\} [1-9]/);
  });

  it("passes the usage chunk through when the client asked for it", async () => {
    const stream = await client.chat.completions.create({
      model: "tiny",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage).toEqual({ prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 });
  });

  it("serves text completions and embeddings", async () => {
    const c = await client.completions.create({ model: "tiny", prompt: "once upon", max_tokens: 4 });
    expect(c.choices[0]?.text).toBe("hello from a");
    const e = await client.embeddings.create({ model: "tiny", input: "x", encoding_format: "float" });
    expect(e.data[0]?.embedding).toEqual([0.1, 0.2, 0.3]);
    expect(a.received.map((r) => r.path)).toEqual(["/v1/completions", "/v1/embeddings"]);
  });

  it("streams text completions and counts their tokens", async () => {
    const stream = await client.completions.create({
      model: "tiny",
      prompt: "once",
      max_tokens: 4,
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
    expect(text).toBe("hello from a");
    expect(a.received[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it.each([
    ["500", "fail500" as const],
    ["429", "fail429" as const],
    ["a dropped connection before the first event", "die-before-first" as const],
  ])("fails over to the next cluster on %s", async (_label, mode) => {
    a.mode = mode;
    const { data, response } = await client.chat.completions
      .create({ model: "tiny", messages: [{ role: "user", content: "hi" }], stream: false })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe("hello from b");
    expect(response.headers.get("x-router-target")).toBe("b");
    expect(response.headers.get("x-router-reason")).toBe("failover");
  });

  it("fails a stream over when the first upstream dies before its first event", async () => {
    a.mode = "die-before-first";
    const stream = await client.chat.completions.create({
      model: "tiny",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("hello from b");
  });

  it("sends an SSE error event and ends when the upstream dies mid-stream", async () => {
    a.mode = "die-mid-stream";
    const res = await fetch(`${router.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "hi" }], stream: true }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    const events = text
      .split("\n\n")
      .filter(Boolean)
      .map((e) => e.replace(/^data: /, ""));
    expect(JSON.parse(events[0] as string).choices[0].delta.content).toBe("hello ");
    expect(JSON.parse(events.at(-1) as string).error.message).toMatch(/upstream a stream/);
    expect(text).not.toContain("[DONE]");
    expect(b.count).toBe(0);
  });

  it("returns an upstream 4xx as it is, without failing over", async () => {
    a.mode = "fail400";
    const res = await fetch(`${router.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error).toEqual({
      message: "bad temperature",
      type: "invalid_request_error",
      param: "temperature",
      code: null,
    });
    expect(b.count).toBe(0);
  });

  it("returns a 502 OpenAI-shaped error when every target fails, never an empty 200", async () => {
    a.mode = "fail500";
    b.mode = "fail500";
    const res = await fetch(`${router.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(502);
    expect(res.headers.get("x-router-target")).toBe("b");
    expect(res.headers.get("x-router-reason")).toBe("all_targets_failed");
    const body = (await res.json()) as ErrorJson;
    expect(body.error.type).toBe("server_error");
    expect(body.error.message).toMatch(/All targets failed: a: 500 boom; b: 500 boom/);
  });

  it.each([
    ["a missing messages field", { model: "tiny" }, "messages"],
    [
      "a wrong type",
      { model: "tiny", messages: [{ role: "user", content: "hi" }], max_tokens: "x" },
      "max_tokens",
    ],
    ["an unknown field", { model: "tiny", messages: [{ role: "user", content: "hi" }], bogus: 1 }, "bogus"],
  ])("rejects %s with a 400 naming the field before any upstream is touched", async (_l, body, param) => {
    const res = await fetch(`${router.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    const err = ((await res.json()) as ErrorJson).error;
    expect(err.type).toBe("invalid_request_error");
    expect(err.param).toBe(param);
    expect(a.count + b.count).toBe(0);
  });

  it("rejects malformed JSON with a 400", async () => {
    const res = await fetch(`${router.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error.code).toBe("invalid_json");
  });

  it("answers 404 model_not_found for a model no target serves", async () => {
    const res = await fetch(`${router.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorJson).error).toMatchObject({
      code: "model_not_found",
      param: "model",
    });
  });

  it("lists served models with the targets behind them", async () => {
    const list = await client.models.list();
    expect(list.data.map((m) => m.id)).toEqual(["tiny"]);
    expect((list.data[0] as unknown as { targets: string[] }).targets).toEqual(["a", "b"]);
  });
});

describe("the express app on its own (createApp().app)", () => {
  it("serves the same endpoints and errors as the server's lean path", async () => {
    const up = await new FakeUpstream({ name: "x" }).start();
    const router = createApp({
      config: config({ clusters: [{ name: "x", endpoint: up.url, models: ["tiny"] }] }),
      logger: silent,
      healthPolling: false,
    });
    const server = router.app.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await post<{ choices: { message: { content: string } }[] }>(`${url}/v1/chat/completions`, {
        model: "tiny",
        messages: [{ role: "user", content: "hi" }],
      });
      expect(ok.res.headers.get("x-router-target")).toBe("x");
      expect(ok.json.choices[0]?.message.content).toBe("hello from x");
      const bad = await post(`${url}/v1/chat/completions`, "{nope");
      expect(bad.res.status).toBe(400);
      expect(bad.json.error.code).toBe("invalid_json");
    } finally {
      server.close();
      await router.close();
      await up.close();
    }
  });
});
