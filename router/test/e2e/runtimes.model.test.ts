import { ensureModel } from "@llm/gguf";
import { type RuntimeHandle, startRuntime } from "@llm/runtime";
import OpenAI from "openai";
import { listen, post } from "../helpers/router.js";

const SECRET = "e2e-cluster-secret-0123456789";

/** End to end with real runtimes (generated tiny GGUF model, CPU, one thread each). */
describe("router in front of real runtimes", () => {
  let cpuA: RuntimeHandle;
  let cpuB: RuntimeHandle;
  let router: Awaited<ReturnType<typeof listen>>;
  let client: OpenAI;

  beforeAll(async () => {
    const model = await ensureModel("tiny");
    [cpuA, cpuB] = await Promise.all([
      startRuntime({ model, hmacSecret: SECRET, threads: 1, parallel: 2 }),
      startRuntime({ model, hmacSecret: SECRET, threads: 1, parallel: 2 }),
    ]);
    const cluster = (name: string, url: string, costPerHour: number, secret = SECRET) => ({
      name,
      endpoint: url,
      models: ["tiny"],
      costPerHour,
      authType: "hmac",
      sharedSecret: secret,
      contextLength: 512,
    });
    router = await listen({
      router: { routingStrategy: "cost", defaultMaxTokens: 8, healthCheckInterval: "1h" },
      clusters: [
        // Prices far apart so measured throughput cannot reorder them.
        cluster("local-a-cpu", cpuA.url, 0.0001),
        cluster("local-b-cpu", cpuB.url, 0.1),
        cluster("wrong-secret", cpuB.url, 50, "not-the-cluster-secret-000"),
      ],
    });
    client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: "none", maxRetries: 0 });
  });

  afterAll(async () => {
    await router?.close();
    await Promise.all([cpuA?.close(0), cpuB?.close(0)]);
  });

  it("answers a chat completion from the cheapest runtime", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "tiny", messages: [{ role: "user", content: "Hello" }], max_tokens: 4 })
      .withResponse();
    expect(response.headers.get("x-router-target")).toBe("local-a-cpu");
    expect(data.object).toBe("chat.completion");
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("streams from a runtime and counts the streamed tokens", async () => {
    const stream = await client.chat.completions.create({
      model: "tiny",
      messages: [{ role: "user", content: "Hello" }],
      max_tokens: 4,
      stream: true,
      stream_options: { include_usage: true },
    });
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const c of stream) {
      chunks++;
      if (c.usage) usage = c.usage;
    }
    expect(chunks).toBeGreaterThan(1);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toMatch(/llm_router_tokens_total\{target="local-a-cpu",type="completion"\} [1-9]/);
  });

  it("polls the runtimes' /health and /metrics", async () => {
    await router.app.poller.pollAll();
    const a = router.app.targets().find((t) => t.name === "local-a-cpu");
    expect(a?.live).toMatchObject({ reachable: true, ready: true, backend: "cpu" });
    const health = (await (await fetch(`${router.url}/health`)).json()) as {
      status: string;
      healthy_clusters: number;
    };
    expect(health).toMatchObject({ status: "healthy", healthy_clusters: 3 });
  });

  it("gets a 502 naming the cluster when the router signs with the wrong secret", async () => {
    const { res, json } = await post(
      `${router.url}/v1/chat/completions`,
      { model: "tiny", messages: [{ role: "user", content: "Hello" }], max_tokens: 2 },
      { "x-router-target": "wrong-secret" },
    );
    expect(res.status).toBe(502);
    expect(json.error.message).toContain("cluster wrong-secret rejected the router's credentials (HTTP 401)");
  });

  it("fails over to the other runtime when one is killed", async () => {
    await cpuA.close(0);
    const { data, response } = await client.chat.completions
      .create({ model: "tiny", messages: [{ role: "user", content: "Hello" }], max_tokens: 2 })
      .withResponse();
    expect(data.object).toBe("chat.completion");
    expect(response.headers.get("x-router-target")).toBe("local-b-cpu");
    expect(response.headers.get("x-router-reason")).toBe("failover");
  });
});
