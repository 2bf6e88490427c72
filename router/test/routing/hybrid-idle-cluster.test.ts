import { errorBody } from "@llm/contracts";
import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import { listen, post } from "../helpers/router.js";

/**
 * Issue #17's repro, automated: the local stack's cluster ($0.02/h, hybrid, default threshold
 * $0.002/1K) next to a fake OpenAI, one `tiny` request every 2.5 s (a fake clock; the poller runs
 * between requests instead of every 10 s). Before the cost model, the runtime's served rate
 * (1.6 tokens/s for an idle pool) priced it at $0.02/h ÷ 5.76K tokens/h = $0.00347/1K, over the
 * threshold, and requests 3–17 all went to openai with `cluster_over_threshold`.
 */
describe("hybrid routing on an idle cluster", () => {
  let runtime: FakeOpenAI;
  let openai: FakeOpenAI;
  let served = 0;
  let now = 10_000_000;
  let router: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    runtime = await startFakeOpenAI({
      name: "runtime",
      // What a runtime with this gauges reports: 20 tokens/s per sequence and at capacity
      // (one slot), and a recent served rate that is 1.6 tokens/s once anything was served.
      metrics: () =>
        [
          `llm_runtime_tokens_per_second ${served > 0 ? 1.6 : 0}`,
          "llm_runtime_decode_tokens_per_second 20",
          "llm_runtime_capacity_tokens_per_second 20",
          "llm_runtime_queue_depth 0",
        ].join("\n"),
    });
    openai = await startFakeOpenAI({ name: "openai", apiKey: "sk-fake", prefix: "/v1" });
    router = await listen(
      {
        router: { routingStrategy: "hybrid", maxRetries: 2 },
        clusters: [{ name: "local-local-cpu", endpoint: runtime.url, models: ["tiny"], costPerHour: 0.02 }],
        externalProviders: [
          {
            name: "openai",
            type: "openai",
            apiKey: "sk-fake",
            baseURL: `${openai.url}/v1`,
            models: { tiny: "gpt-4o-mini" },
            fallbackForAnyModel: false,
          },
        ],
      },
      { clock: () => now },
    );
  });

  afterAll(async () => {
    await router.close();
    await runtime.close();
    await openai.close();
  });

  const chat = { model: "tiny", max_tokens: 16, messages: [{ role: "user", content: "hi" }] };

  it("keeps every request at 2.5 s spacing on the cluster, priced at capacity", async () => {
    const seen: string[] = [];
    for (let i = 0; i < 17; i++) {
      await router.app.poller.pollAll();
      const { res } = await post(`${router.url}/v1/chat/completions`, chat);
      expect(res.status).toBe(200);
      seen.push(`${res.headers.get("x-router-target")}:${res.headers.get("x-router-reason")}`);
      served++;
      now += 2_500;
    }
    expect(seen).toEqual(Array(17).fill("local-local-cpu:cluster_under_threshold"));
    expect(openai.requests).toBe(0);

    await router.app.poller.pollAll();
    const health = (await (await fetch(`${router.url}/health`)).json()) as {
      targets: Record<string, unknown>[];
    };
    const cluster = health.targets.find((t) => t.name === "local-local-cpu")!;
    // $0.02/h ÷ (20 tokens/s × 3600 / 1000) = $0.000278/1K amortized; ~$0 marginal (free slot).
    expect(cluster.costPer1K).toBeCloseTo(0.02 / 72, 10);
    expect(cluster.marginalCostPer1K).toBe(0);
    expect(cluster.tokensPerSecond).toBe(20);
    expect(cluster.servedTokensPerSecond).toBe(1.6);
  });

  it("bills cluster answers at the amortized price, never free", async () => {
    const { res } = await post(`${router.url}/v1/chat/completions`, chat);
    expect(res.headers.get("x-router-target")).toBe("local-local-cpu");
    const cost = Number(res.headers.get("x-router-cost-usd"));
    expect(cost).toBeGreaterThan(0);
  });

  it("spills a request the saturated runtime refuses (429 queue_full) to the external", async () => {
    runtime.failNext = {
      status: 429,
      body: errorBody(429, "The runtime is at capacity", { code: "queue_full" }),
      headers: { "retry-after": "1" },
    };
    const before = openai.requests;
    const { res } = await post(`${router.url}/v1/chat/completions`, chat);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-router-target")).toBe("openai");
    expect(openai.requests).toBe(before + 1);
    // The pool answered as a healthy, busy one: its circuit stays closed.
    expect(router.app.targets().find((t) => t.name === "local-local-cpu")?.breaker.state).toBe("closed");
  });
});
