import { type FakeOpenAI, type RedisServer, startFakeOpenAI, startRedisServer } from "@llm/testing";
import { Redis } from "ioredis";
import { listen, post } from "../helpers/router.js";

/**
 * Two router replicas sharing one Redis, without tenants (tenant limits fail closed on a Redis
 * outage by their own rule; the cache must not): an entry stored by one is served by the other,
 * and killing Redis turns caching off without failing a request.
 */
describe("the response cache shared through Redis", () => {
  let up: FakeOpenAI;
  let redis: RedisServer;
  let a: Awaited<ReturnType<typeof listen>>;
  let b: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    // France questions point one way, anything else another (cosine 0 between them).
    up = await startFakeOpenAI({ name: "up", embed: (t) => (/france/i.test(t) ? [1, 0.05] : [0, 1]) });
    redis = await startRedisServer();
    const cfg = {
      router: { cache: { enabled: true, semantic: { enabled: true, threshold: 0.9 } } },
      clusters: [{ name: "pool", endpoint: up.url, models: ["tiny"], costPerHour: 1 }],
      state: { redis: { url: redis.url, keyPrefix: "cache-test:" } },
    };
    a = await listen(cfg);
    b = await listen(cfg);
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await up.close();
    await redis.stop();
  });

  const body = (content: string) => ({
    model: "tiny",
    messages: [{ role: "user", content }],
    temperature: 0,
  });

  it("serves on one replica the answer another replica stored", async () => {
    const first = await post(`${a.url}/v1/chat/completions`, body("shared question"));
    expect(first.res.headers.get("x-router-cache")).toBe("miss");
    // The store runs after the answer went out: wait until the entry is in Redis.
    const probe = new Redis(redis.url);
    try {
      for (let i = 0; i < 100 && (await probe.keys("cache-test:*e:*")).length === 0; i++)
        await new Promise((r) => setTimeout(r, 10));
    } finally {
      probe.disconnect();
    }
    const second = await post(`${b.url}/v1/chat/completions`, body("shared question"));
    expect(second.res.headers.get("x-router-cache")).toBe("hit");
    expect(second.res.headers.get("x-router-target")).toBe("pool");
    expect(second.json).toEqual(first.json);
    expect(up.requests).toBe(1);
  });

  it("shares semantic vectors: a paraphrase on one replica hits the answer another stored", async () => {
    await post(`${b.url}/v1/chat/completions`, body("Capital of France?"));
    // B's write (after its answer went out) reaches A through the store and its pub/sub
    // invalidation; A's attempts store nothing, so only B's entry can answer them.
    const ask = () =>
      post(`${a.url}/v1/chat/completions`, body("What is France's capital?"), {
        "cache-control": "no-store",
      });
    let near = await ask();
    for (let i = 0; i < 50 && near.res.headers.get("x-router-cache") !== "semantic-hit"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      near = await ask();
    }
    expect(near.res.headers.get("x-router-cache")).toBe("semantic-hit");
  });

  it("keeps answering when Redis dies: requests bypass the cache and the error is counted", async () => {
    await redis.stop();
    const before = up.requests;
    for (const r of [a, b, a]) {
      const { res, json } = await post<{ choices: { message: { content: string } }[] }>(
        `${r.url}/v1/chat/completions`,
        body("shared question"),
      );
      expect(res.status).toBe(200);
      expect(json.choices[0]?.message.content).toContain("shared question");
      expect(res.headers.get("x-router-cache")).toBe("bypass");
    }
    expect(up.requests - before).toBe(3);
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    expect(metrics).toMatch(/llm_router_cache_errors_total\{operation="lookup"\} [1-9]/);
  });
});
