import { errorBody } from "@llm/contracts";
import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import { listen, post } from "../helpers/router.js";

/**
 * Issue #17: with `maxRetries: 0` a saturated pool (the runtime's 429 `queue_full`) returned its
 * 429 although another target could serve. The first target beyond the retry budget is the
 * overflow: tried only after a "saturated" verdict, labelled `x-router-reason: overflow`.
 */
describe("overflow of a saturated pool beyond the retry budget", () => {
  let runtime: FakeOpenAI;
  let openai: FakeOpenAI;
  let router: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    runtime = await startFakeOpenAI({
      name: "runtime",
      metrics: () => ["llm_runtime_capacity_tokens_per_second 20", "llm_runtime_queue_depth 0"].join("\n"),
    });
    openai = await startFakeOpenAI({ name: "openai", apiKey: "sk-fake", prefix: "/v1" });
    router = await listen({
      router: { routingStrategy: "hybrid", maxRetries: 0 },
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
    });
    await router.app.poller.pollAll();
  });

  afterAll(async () => {
    await router.close();
    await runtime.close();
    await openai.close();
  });

  const chat = { model: "tiny", max_tokens: 16, messages: [{ role: "user", content: "hi" }] };

  it("spills a 429 queue_full to the next ranked target, even with maxRetries 0", async () => {
    runtime.failNext = {
      status: 429,
      body: errorBody(429, "The runtime is at capacity", { code: "queue_full" }),
      headers: { "retry-after": "1" },
    };
    const { res } = await post(`${router.url}/v1/chat/completions`, chat);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-router-target")).toBe("openai");
    expect(res.headers.get("x-router-reason")).toBe("overflow");
  });

  it("does not reach past the budget for any other failure (a 500 stays the answer)", async () => {
    runtime.failNext = { status: 500, body: errorBody(500, "boom") };
    const before = openai.requests;
    const { res } = await post(`${router.url}/v1/chat/completions`, chat);
    expect(res.status).toBe(502);
    expect(openai.requests).toBe(before);
  });

  it("serves from the cluster when it is not saturated (the overflow target is untouched)", async () => {
    const before = openai.requests;
    const { res } = await post(`${router.url}/v1/chat/completions`, chat);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-router-target")).toBe("local-local-cpu");
    expect(openai.requests).toBe(before);
  });
});
