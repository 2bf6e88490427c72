import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import { listen, post } from "../helpers/router.js";

/**
 * Controlled vectors: questions about France's capital point (almost) the same way, Everest
 * elsewhere; anything else is orthogonal to both. cos(france, paraphrase) ≈ 0.995.
 */
function embed(text: string): number[] {
  if (/capital/i.test(text) && /france/i.test(text)) return /tell me/i.test(text) ? [1, 0.1, 0] : [1, 0, 0];
  if (/everest/i.test(text)) return [0, 1, 0];
  return [0, 0, 1];
}

type Chat = { choices: { message: { content: string } }[] };

describe("the semantic response cache", () => {
  let up: FakeOpenAI;
  let router: Awaited<ReturnType<typeof listen>>;
  let url: string;
  const embedCalls = () => up.received.filter((r) => r.path.endsWith("/embeddings")).length;

  beforeAll(async () => {
    up = await startFakeOpenAI({ name: "up", embed });
    router = await listen({
      router: { cache: { enabled: true, semantic: { enabled: true, threshold: 0.95 } } },
      clusters: [{ name: "pool", endpoint: up.url, models: ["tiny"], costPerHour: 1 }],
    });
    url = `${router.url}/v1/chat/completions`;
  });

  afterAll(async () => {
    await router.close();
    await up.close();
  });

  const ask = (content: string, extra: Record<string, unknown> = {}) => ({
    model: "tiny",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content },
    ],
    temperature: 0,
    ...extra,
  });

  it("serves a near-identical question the stored answer, and misses an unrelated one", async () => {
    const first = await post<Chat>(url, ask("What is the capital of France?"));
    expect(first.res.headers.get("x-router-cache")).toBe("miss");
    const calls = up.requests;
    const near = await post<Chat>(url, ask("Tell me the capital of France"));
    expect(near.res.headers.get("x-router-cache")).toBe("semantic-hit");
    expect(near.res.headers.get("x-router-target")).toBe("pool");
    expect(near.res.headers.get("x-router-reason")).toBe("cache_hit");
    expect(near.json).toEqual(first.json);
    expect(up.requests).toBe(calls);
    const far = await post<Chat>(url, ask("How tall is Everest?"));
    expect(far.res.headers.get("x-router-cache")).toBe("miss");
    expect(far.json.choices[0]?.message.content).toContain("Everest");
    // The embeddings went to the cluster's /v1/embeddings with the last user message only.
    const e = up.received.filter((r) => r.path.endsWith("/embeddings"));
    expect(e.map((r) => (r.body as { input: string }).input)).toEqual([
      "What is the capital of France?",
      "Tell me the capital of France",
      "How tall is Everest?",
    ]);
  });

  it("compares only requests alike in everything but the last user message", async () => {
    const other = await post<Chat>(url, ask("Tell me the capital of France", { max_tokens: 3 }));
    expect(other.res.headers.get("x-router-cache")).toBe("miss");
    const text = await (await fetch(`${router.url}/metrics`)).text();
    expect(text).toMatch(/llm_router_cache_requests_total\{result="semantic-hit"\} 1/);
  });

  it("falls back to a plain miss when the embeddings target fails", async () => {
    const before = embedCalls();
    up.failNext = { status: 500, body: { error: { message: "embedder down", type: "server_error" } } };
    const res = await post<Chat>(url, ask("Capital of France, please?", { seed: 1 }));
    expect(res.res.status).toBe(200);
    expect(res.res.headers.get("x-router-cache")).toBe("miss");
    expect(embedCalls()).toBeGreaterThan(before);
    const text = await (await fetch(`${router.url}/metrics`)).text();
    expect(text).toMatch(/llm_router_cache_errors_total\{operation="embed"\} [1-9]/);
  });
});

describe("the semantic cache's embedding deadline", () => {
  it("gives up on a slow embeddings target after semantic.timeout and answers as a plain miss", async () => {
    const up = await startFakeOpenAI({ name: "up", embed });
    const router = await listen({
      router: { cache: { enabled: true, semantic: { enabled: true, timeout: "100ms" } } },
      clusters: [{ name: "pool", endpoint: up.url, models: ["tiny"] }],
    });
    try {
      up.delayMs = 1500;
      const t0 = performance.now();
      const { res } = await post(`${router.url}/v1/chat/completions`, {
        model: "tiny",
        messages: [{ role: "user", content: "What is the capital of France?" }],
        temperature: 0,
      });
      const ms = performance.now() - t0;
      expect(res.status).toBe(200);
      expect(res.headers.get("x-router-cache")).toBe("miss");
      // The chat call itself waits 1.5 s; the embedding gave up after 0.1 s instead of another 1.5 s.
      expect(ms).toBeLessThan(2900);
      const text = await (await fetch(`${router.url}/metrics`)).text();
      expect(text).toMatch(/llm_router_cache_errors_total\{operation="embed"\} 1/);
    } finally {
      up.delayMs = 0;
      await router.close();
      await up.close();
    }
  });
});
