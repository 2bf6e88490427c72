import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import OpenAI from "openai";
import { config, type ErrorJson, listen, post } from "../helpers/router.js";

const KEY_A = "sk-tenant-a-0123456789abcdef";
const KEY_B = "sk-tenant-b-0123456789abcdef";
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

describe("the exact response cache", () => {
  let up: FakeOpenAI;
  let router: Awaited<ReturnType<typeof listen>>;
  let chat: string;
  let n = 0;
  /** A prompt no earlier test sent, so each test starts from an empty cache for it. */
  const fresh = () => `question ${n++}`;

  beforeAll(async () => {
    up = await startFakeOpenAI({ name: "up" });
    router = await listen({
      router: { cache: { enabled: true } },
      clusters: [{ name: "pool", endpoint: up.url, models: ["tiny"], costPerHour: 1 }],
      tenants: [
        { id: "a", keys: [{ id: "a1", key: KEY_A }] },
        { id: "b", keys: [{ id: "b1", key: KEY_B }] },
      ],
    });
    chat = `${router.url}/v1/chat/completions`;
  });

  afterAll(async () => {
    await router.close();
    await up.close();
  });

  const ask = (content: string, extra: Record<string, unknown> = {}) => ({
    model: "tiny",
    messages: [{ role: "user", content }],
    temperature: 0,
    ...extra,
  });

  async function postText(body: unknown, headers: Record<string, string> = auth(KEY_A)) {
    const res = await fetch(chat, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return { res, text: await res.text() };
  }

  it("answers an identical deterministic request from the cache: miss, then hit with the same body", async () => {
    const body = ask(fresh());
    const before = up.requests;
    const first = await postText(body);
    const second = await postText(body);
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get("x-router-cache")).toBe("miss");
    expect(second.res.headers.get("x-router-cache")).toBe("hit");
    expect(second.text).toBe(first.text);
    expect(up.requests - before).toBe(1);
    expect(second.res.headers.get("x-router-target")).toBe("pool");
    expect(second.res.headers.get("x-router-reason")).toBe("cache_hit");
    expect(second.res.headers.get("x-router-cost-usd")).toBe("0");
  });

  it("keys on the answer's fields, not their order, defaults or transport fields", async () => {
    const content = fresh();
    await postText({ temperature: 0, messages: [{ role: "user", content }], model: "tiny", top_p: 1 });
    const same = await postText({ ...ask(content), n: 1, user: "someone", stream: false });
    expect(same.res.headers.get("x-router-cache")).toBe("hit");
    const other = await postText(ask(content, { max_tokens: 5 }));
    expect(other.res.headers.get("x-router-cache")).toBe("miss");
  });

  it("never serves one tenant's entry to another", async () => {
    const body = ask(fresh());
    await postText(body, auth(KEY_A));
    const b = await postText(body, auth(KEY_B));
    expect(b.res.headers.get("x-router-cache")).toBe("miss");
    expect((await postText(body, auth(KEY_B))).res.headers.get("x-router-cache")).toBe("hit");
  });

  it("bypasses a non-deterministic request unless it sends x-router-cache-ttl", async () => {
    const body = { model: "tiny", messages: [{ role: "user", content: fresh() }] };
    const before = up.requests;
    expect((await postText(body)).res.headers.get("x-router-cache")).toBe("bypass");
    expect((await postText(body)).res.headers.get("x-router-cache")).toBe("bypass");
    expect(up.requests - before).toBe(2);
    const opted = { ...auth(KEY_A), "x-router-cache-ttl": "10m" };
    expect((await postText(body, opted)).res.headers.get("x-router-cache")).toBe("miss");
    expect((await postText(body, opted)).res.headers.get("x-router-cache")).toBe("hit");
    // A seed makes a request deterministic too.
    const seeded = { ...body, seed: 7 };
    await postText(seeded);
    expect((await postText(seeded)).res.headers.get("x-router-cache")).toBe("hit");
  });

  it("skips the lookup on Cache-Control: no-cache and the store on no-store", async () => {
    const body = ask(fresh());
    const noStore = await postText(body, { ...auth(KEY_A), "cache-control": "no-store" });
    expect(noStore.res.headers.get("x-router-cache")).toBe("miss");
    // Nothing was stored: the next request misses (and stores).
    expect((await postText(body)).res.headers.get("x-router-cache")).toBe("miss");
    const before = up.requests;
    const noCache = await postText(body, { ...auth(KEY_A), "cache-control": "max-age=0, no-cache" });
    expect(noCache.res.headers.get("x-router-cache")).toBe("miss");
    expect(up.requests - before).toBe(1);
    expect((await postText(body)).res.headers.get("x-router-cache")).toBe("hit");
    const both = await postText(body, { ...auth(KEY_A), "cache-control": "no-cache, no-store" });
    expect(both.res.headers.get("x-router-cache")).toBe("bypass");
  });

  it("refuses a malformed x-router-cache-ttl with a 400 naming the header", async () => {
    for (const ttl of ["soon", "-5", "0"]) {
      const { res, json } = await post<ErrorJson>(chat, ask(fresh()), {
        ...auth(KEY_A),
        "x-router-cache-ttl": ttl,
      });
      expect(res.status).toBe(400);
      expect(json.error.param).toBe("x-router-cache-ttl");
      expect(json.error.message).toContain("x-router-cache-ttl");
    }
  });

  it("replays a stored answer as a stream the official SDK parses, usage and [DONE] included", async () => {
    const client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: KEY_A, maxRetries: 0 });
    const content = fresh();
    const read = async () => {
      const { data: stream, response } = await client.chat.completions
        .create({ ...ask(content), stream: true, stream_options: { include_usage: true } } as never)
        .withResponse();
      let text = "";
      let usage: unknown;
      let finish: string | null | undefined;
      for await (const chunk of stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>) {
        text += chunk.choices[0]?.delta.content ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      return { text, usage, finish, cache: response.headers.get("x-router-cache") };
    };
    const miss = await read();
    const hit = await read();
    expect(miss.cache).toBe("miss");
    expect(hit.cache).toBe("hit");
    expect(hit.text).toBe(miss.text);
    expect(hit.text).toContain(content);
    expect(hit.finish).toBe("stop");
    expect(hit.usage).toEqual(miss.usage);
    // The streamed miss stored the whole answer: a non-streamed request gets it as JSON.
    const json = await client.chat.completions.create(ask(content) as never).withResponse();
    expect(json.response.headers.get("x-router-cache")).toBe("hit");
    expect((json.data as OpenAI.ChatCompletion).choices[0]?.message.content).toBe(miss.text);
  });

  it("never stores a failed answer", async () => {
    const body = ask(fresh());
    up.mode = "fail500";
    try {
      const failed = await postText(body);
      expect(failed.res.status).toBeGreaterThanOrEqual(500);
    } finally {
      up.mode = "ok";
    }
    expect((await postText(body)).res.headers.get("x-router-cache")).toBe("miss");
  });

  it("counts results and the saved cost in /metrics, and books hits as free with their saving", async () => {
    await postText({ model: "tiny", messages: [{ role: "user", content: fresh() }] });
    const body = ask(fresh());
    await postText(body);
    await postText(body);
    const text = await (await fetch(`${router.url}/metrics`)).text();
    expect(text).toMatch(/llm_router_cache_requests_total\{result="hit"\} [1-9]/);
    expect(text).toMatch(/llm_router_cache_requests_total\{result="miss"\} [1-9]/);
    expect(text).toMatch(/llm_router_cache_requests_total\{result="bypass"\} [1-9]/);
    const saved = /^llm_router_cache_saved_usd_total (\S+)$/m.exec(text)?.[1];
    expect(Number(saved)).toBeGreaterThan(0);
    const records = router.router.access?.ledger.records() ?? [];
    const [miss, hit] = records.slice(-2);
    expect(miss).toMatchObject({ cacheResult: "miss", target: "pool" });
    expect(miss?.costUsd).toBeGreaterThan(0);
    expect(hit).toMatchObject({ cacheResult: "hit", target: "pool", costUsd: 0, status: 200 });
    expect(hit?.cacheSavedUsd).toBeCloseTo(miss?.costUsd ?? 0, 12);
  });

  it("caches embeddings (always deterministic)", async () => {
    const body = { model: "tiny", input: fresh() };
    const first = await post(`${router.url}/v1/embeddings`, body, auth(KEY_A));
    const second = await post(`${router.url}/v1/embeddings`, body, auth(KEY_A));
    expect(first.res.headers.get("x-router-cache")).toBe("miss");
    expect(second.res.headers.get("x-router-cache")).toBe("hit");
    expect(second.json).toEqual(first.json);
  });
});

describe("cache opt-in per tenant", () => {
  it("caches only the tenant that opted in when the router-wide cache is off", async () => {
    const up = await startFakeOpenAI({ name: "up" });
    const router = await listen({
      router: { cache: { tenants: { a: { enabled: true } } } },
      clusters: [{ name: "pool", endpoint: up.url, models: ["tiny"] }],
      tenants: [
        { id: "a", keys: [{ id: "a1", key: KEY_A }] },
        { id: "b", keys: [{ id: "b1", key: KEY_B }] },
      ],
    });
    try {
      const body = { model: "tiny", messages: [{ role: "user", content: "hi" }], temperature: 0 };
      const url = `${router.url}/v1/chat/completions`;
      await post(url, body, auth(KEY_A));
      expect((await post(url, body, auth(KEY_A))).res.headers.get("x-router-cache")).toBe("hit");
      await post(url, body, auth(KEY_B));
      expect((await post(url, body, auth(KEY_B))).res.headers.get("x-router-cache")).toBe("bypass");
    } finally {
      await router.close();
      await up.close();
    }
  });

  it("validates the section: a ttl above maxTtl is refused naming the field", () => {
    expect(() => config({ router: { cache: { ttl: "2h", maxTtl: "1h" } } })).toThrow(/router\.cache\.ttl/);
  });
});

describe("cache keys and traffic policies", () => {
  it("keys on the experiment arm: users on different arms never share an answer", async () => {
    const a = await startFakeOpenAI({ name: "a" });
    const b = await startFakeOpenAI({ name: "b" });
    const router = await listen({
      router: { cache: { enabled: true }, maxRetries: 0 },
      clusters: [
        { name: "pool-a", endpoint: a.url, models: ["m"] },
        { name: "pool-b", endpoint: b.url, models: ["m"] },
      ],
      modelGroups: [{ name: "chat", deployments: [{ target: "pool-a" }, { target: "pool-b" }] }],
      experiments: [
        {
          name: "ab",
          group: "chat",
          arms: [
            { name: "control", weight: 1, target: "pool-a" },
            { name: "treatment", weight: 1, target: "pool-b" },
          ],
        },
      ],
    });
    try {
      const url = `${router.url}/v1/chat/completions`;
      const body = (user: string) => ({
        model: "chat",
        messages: [{ role: "user", content: "same question" }],
        temperature: 0,
        user,
      });
      const users = Array.from({ length: 12 }, (_, i) => `user-${i}`);
      // Each user's arm, learned without reading the cache (each answer is still stored).
      const armTarget = new Map<string, string | null>();
      for (const u of users) {
        const { res } = await post(url, body(u), { "cache-control": "no-cache" });
        armTarget.set(u, res.headers.get("x-router-target"));
      }
      expect(new Set(armTarget.values())).toEqual(new Set(["pool-a", "pool-b"]));
      for (const u of users) {
        const { res } = await post(url, body(u));
        expect(res.headers.get("x-router-cache")).toBe("hit");
        expect(res.headers.get("x-router-target")).toBe(armTarget.get(u));
      }
    } finally {
      await router.close();
      await a.close();
      await b.close();
    }
  });
});

describe("cache keys and pinned targets", () => {
  it("keys on x-router-target: a pinned request gets that target's answer", async () => {
    const a = await startFakeOpenAI({ name: "a" });
    const b = await startFakeOpenAI({ name: "b" });
    const router = await listen({
      router: { cache: { enabled: true } },
      clusters: [
        { name: "pool-a", endpoint: a.url, models: ["m"], costPerHour: 0.1 },
        { name: "pool-b", endpoint: b.url, models: ["m"], costPerHour: 0.2 },
      ],
    });
    try {
      const url = `${router.url}/v1/chat/completions`;
      const body = { model: "m", messages: [{ role: "user", content: "q" }], temperature: 0 };
      expect((await post(url, body)).res.headers.get("x-router-cache")).toBe("miss");
      const pinned = await post(url, body, { "x-router-target": "pool-b" });
      expect(pinned.res.headers.get("x-router-cache")).toBe("miss");
      expect(pinned.res.headers.get("x-router-target")).toBe("pool-b");
      const again = await post(url, body, { "x-router-target": "pool-b" });
      expect(again.res.headers.get("x-router-cache")).toBe("hit");
      expect(again.res.headers.get("x-router-target")).toBe("pool-b");
      expect((await post(url, body)).res.headers.get("x-router-target")).toBe("pool-a");
    } finally {
      await router.close();
      await a.close();
      await b.close();
    }
  });
});
