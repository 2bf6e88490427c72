import { request } from "node:http";
import { FakeUpstream } from "@llm/testing";
import OpenAI from "openai";
import { listen, post } from "../helpers/router.js";

const chat = { model: "tiny", messages: [{ role: "user", content: "hi" }] };

describe("faults", () => {
  let slow: FakeUpstream;
  let good: FakeUpstream;
  let router: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    slow = await new FakeUpstream({ name: "slow" }).start();
    good = await new FakeUpstream({ name: "good" }).start();
    router = await listen({
      server: { requestTimeout: "300ms", firstByteTimeout: "300ms" },
      router: { routingStrategy: "cluster_first", circuitBreaker: { failureThreshold: 100 } },
      clusters: [
        { name: "refused", endpoint: "http://127.0.0.1:1", models: ["tiny"], costPerHour: 0.001 },
        { name: "slow", endpoint: slow.url, models: ["tiny"], costPerHour: 0.002 },
        { name: "good", endpoint: good.url, models: ["tiny"], costPerHour: 0.003 },
      ],
    });
  });

  afterEach(() => {
    slow.mode = "ok";
  });

  afterAll(async () => {
    await router.close();
    await slow.close();
    await good.close();
  });

  it("survives a refused connection and a hanging upstream: times out and answers from a healthy target", async () => {
    slow.mode = "hang";
    const { res, json } = await post<{ choices: { message: { content: string } }[] }>(
      `${router.url}/v1/chat/completions`,
      chat,
    );
    expect(res.status).toBe(200);
    expect(json.choices[0]?.message.content).toBe("hello from good");
    expect(res.headers.get("x-router-reason")).toBe("failover");
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toContain('llm_router_retries_total{target="refused"} 1');
    expect(metrics).toContain('llm_router_retries_total{target="slow"} 1');
  });

  it("times out a stream whose upstream never sends its first byte, then fails over", async () => {
    slow.mode = "hang";
    const client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: "x", maxRetries: 0 });
    const stream = await client.chat.completions.create(
      { ...chat, stream: true } as OpenAI.ChatCompletionCreateParamsStreaming,
      { headers: { "x-router-strategy": "cost" } },
    );
    let text = "";
    for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
    expect(text).toBe("hello from good");
  });

  it("aborts the upstream request when the client disconnects", async () => {
    slow.mode = "hang";
    // Only this test's request may count as "the router reached the upstream".
    slow.received.length = 0;
    const before = slow.aborted;
    await new Promise<void>((resolve) => {
      const req = request(`${router.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-router-target": "slow" },
      });
      req.on("error", () => resolve());
      req.end(JSON.stringify({ ...chat, stream: true }));
      // Give the router time to reach the upstream, then hang up.
      const poll = setInterval(() => {
        if (slow.received.length > 0) {
          clearInterval(poll);
          req.destroy();
          resolve();
        }
      }, 5);
    });
    slow.received.length = 0;
    // Bounded wait (5 s) for the abort to reach the upstream on a loaded machine.
    for (let i = 0; i < 500 && slow.aborted === before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(slow.aborted).toBe(before + 1);
  });

  it("answers 503 for a pinned target whose circuit is open", async () => {
    const t = router.app.targets().find((x) => x.name === "refused")!;
    for (let i = 0; i < 100; i++) t.breaker.onFailure();
    const { res, json } = await post(`${router.url}/v1/chat/completions`, chat, {
      "x-router-target": "refused",
    });
    expect(res.status).toBe(503);
    expect(json.error.message).toContain("refused: circuit open");
    t.breaker.onSuccess();
  });

  it("rejects an unknown x-router-strategy with a 400", async () => {
    const { res, json } = await post(`${router.url}/v1/chat/completions`, chat, {
      "x-router-strategy": "fastest",
    });
    expect(res.status).toBe(400);
    expect(json.error.param).toBe("x-router-strategy");
  });
});

describe("cluster authentication", () => {
  it("reports a 502 naming the cluster when its HMAC secret differs from the router's", async () => {
    const up = await new FakeUpstream({ name: "c", hmacSecret: "the-cluster-secret-1234" }).start();
    const router = await listen({
      clusters: [
        {
          name: "c",
          endpoint: up.url,
          models: ["tiny"],
          authType: "hmac",
          sharedSecret: "another-secret-123456",
        },
      ],
    });
    try {
      const { res, json } = await post(`${router.url}/v1/chat/completions`, chat);
      expect(res.status).toBe(502);
      expect(json.error.message).toContain("cluster c rejected the router's credentials (HTTP 401)");
      expect(json.error.message).not.toContain("secret-1234");
      expect(json.error.message).not.toContain("another-secret");
    } finally {
      await router.close();
      await up.close();
    }
  });
});

describe("external OpenAI-compatible provider", () => {
  it("sends the alias's upstream model with the bearer key and counts external requests", async () => {
    const up = await new FakeUpstream({ name: "ext", bearer: "sk-test-123" }).start();
    const router = await listen({
      clusters: [],
      externalProviders: [
        {
          name: "oai",
          type: "openai",
          apiKey: "sk-test-123",
          baseURL: `${up.url}/v1`,
          models: { tiny: "gpt-4o-mini" },
        },
      ],
    });
    try {
      const { res } = await post(`${router.url}/v1/chat/completions`, chat);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-router-reason")).toBe("no_capable_cluster");
      expect(up.received[0]?.body.model).toBe("gpt-4o-mini");
      const metrics = await (await fetch(`${router.url}/metrics`)).text();
      expect(metrics).toContain(
        'llm_router_external_requests_total{provider="oai",model="gpt-4o-mini",status="200"} 1',
      );
      // 11 prompt + 3 completion tokens at gpt-4o-mini list prices.
      const cost = (11 * 0.15 + 3 * 0.6) / 1e6;
      const line = metrics.split("\n").find((l) => l.startsWith('llm_router_cost_usd_total{target="oai"}'));
      expect(Number(line?.split(" ")[1])).toBeCloseTo(cost, 12);
      expect(metrics).toContain(
        'llm_router_provider_cost_per_1k_tokens{provider="oai",model="gpt-4o-mini"} 0.000375',
      );
      expect(metrics).not.toContain("sk-test-123");
    } finally {
      await router.close();
      await up.close();
    }
  });
});

describe("graceful shutdown", () => {
  it("lets an in-flight request finish while refusing new connections", async () => {
    const up = await new FakeUpstream({ name: "s" }).start();
    const router = await listen({ clusters: [{ name: "s", endpoint: up.url, models: ["tiny"] }] });
    try {
      up.delayMs = 300;
      const inFlight = post<{ choices: { message: { content: string } }[] }>(
        `${router.url}/v1/chat/completions`,
        chat,
      );
      for (let i = 0; i < 100 && up.count === 0; i++) await new Promise((r) => setTimeout(r, 5));
      const closing = router.close();
      const { res, json } = await inFlight;
      expect(res.status).toBe(200);
      expect(json.choices[0]?.message.content).toBe("hello from s");
      await closing;
      await expect(fetch(`${router.url}/health`)).rejects.toThrow();
    } finally {
      await up.close();
    }
  });
});
