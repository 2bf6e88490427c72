import { type FakeOpenAI, type RedisServer, startFakeOpenAI, startRedisServer } from "@llm/testing";
import OpenAI from "openai";
import { listen } from "../../helpers/router.js";

const KEY_A = "sk-tenant-a-0123456789";
const KEY_B = "sk-tenant-b-0123456789";
const tenants = [
  { id: "a", keys: [{ id: "a-1", key: KEY_A }] },
  { id: "b", keys: [{ id: "b-1", key: KEY_B }] },
];

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());

const provider = () => ({ name: "compat", type: "openai", baseURL: fake.baseURL, models: ["small"] });
const sdk = (url: string, apiKey: string) => new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });

describe("stored responses: previous_response_id, TTL and per-tenant isolation", () => {
  let now = Date.UTC(2026, 11, 3);
  let router: Awaited<ReturnType<typeof listen>>;
  let a: OpenAI;
  let b: OpenAI;

  beforeAll(async () => {
    router = await listen(
      { externalProviders: [provider()], tenants, responses: { ttl: "1h" } },
      { clock: () => now },
    );
    a = sdk(router.url, KEY_A);
    b = sdk(router.url, KEY_B);
  });
  afterAll(() => router.close());

  it("rebuilds the conversation from previous_response_id: previous input, its output, then the new input", async () => {
    fake.received.length = 0;
    const first = await a.responses.create({ model: "small", input: "one", instructions: "first only" });
    const second = await a.responses.create({ model: "small", input: "two", previous_response_id: first.id });
    expect(second.previous_response_id).toBe(first.id);
    // As at OpenAI, instructions are per request: the first turn's are not carried over.
    expect(fake.received[1]?.body.messages).toEqual([
      { role: "user", content: "one" },
      { role: "assistant", content: "echo: one" },
      { role: "user", content: "two" },
    ]);
    const items = await a.responses.inputItems.list(second.id, { order: "asc" });
    expect(items.data.map((i) => (i as { role?: string }).role)).toEqual(["user", "assistant", "user"]);
  });

  it("never shows one tenant's response to another: GET, DELETE and previous_response_id are 404", async () => {
    const mine = await a.responses.create({ model: "small", input: "secret" });
    await expect(b.responses.retrieve(mine.id)).rejects.toMatchObject({ status: 404 });
    await expect(b.responses.delete(mine.id)).rejects.toMatchObject({ status: 404 });
    await expect(
      b.responses.create({ model: "small", input: "x", previous_response_id: mine.id }),
    ).rejects.toMatchObject({
      status: 404,
      error: { param: "previous_response_id", code: "previous_response_not_found" },
    });
    // Still there for its owner.
    expect((await a.responses.retrieve(mine.id)).output_text).toBe("echo: secret");
  });

  it("forgets a response after responses.ttl", async () => {
    const r = await a.responses.create({ model: "small", input: "brief" });
    now += 59 * 60_000;
    expect((await a.responses.retrieve(r.id)).id).toBe(r.id);
    now += 2 * 60_000;
    await expect(a.responses.retrieve(r.id)).rejects.toMatchObject({ status: 404 });
  });

  it("asks for the API key on GET and DELETE like on POST", async () => {
    const res = await fetch(`${router.url}/v1/responses/resp_x`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { type: "authentication_error" } });
  });
});

describe("stored responses shared through Redis by two router replicas", () => {
  let redis: RedisServer;
  let r1: Awaited<ReturnType<typeof listen>>;
  let r2: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    redis = await startRedisServer();
    const cfg = { externalProviders: [provider()], tenants, state: { redis: redis.url } };
    [r1, r2] = await Promise.all([listen(cfg), listen(cfg)]);
  });
  afterAll(async () => {
    await Promise.all([r1.close(), r2.close()]);
    await redis.stop();
  });

  it("creates on one replica, reads and continues on the other, deletes for both", async () => {
    const one = sdk(r1.url, KEY_A);
    const two = sdk(r2.url, KEY_A);
    const created = await one.responses.create({ model: "small", input: "shared" });
    expect((await two.responses.retrieve(created.id)).output_text).toBe("echo: shared");
    const next = await two.responses.create({
      model: "small",
      input: "more",
      previous_response_id: created.id,
    });
    expect(next.previous_response_id).toBe(created.id);
    await expect(sdk(r2.url, KEY_B).responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
    await two.responses.delete(created.id);
    await expect(one.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe("stored responses with the response cache on", () => {
  let router: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    router = await listen({ externalProviders: [provider()], router: { cache: { enabled: true } } });
  });
  afterAll(() => router.close());

  it("answers every deterministic request under a fresh, stored resp_ id (never a cached answer's id)", async () => {
    const client = sdk(router.url, "unused");
    const one = await client.responses.create({ model: "small", input: "same", temperature: 0 });
    const { data: two, response } = await client.responses
      .create({ model: "small", input: "same", temperature: 0 })
      .withResponse();
    // No replay format is registered for `responses`: the cache bypasses it.
    expect(response.headers.get("x-router-cache")).toBe("bypass");
    expect(two.id).not.toBe(one.id);
    expect((await client.responses.retrieve(two.id)).id).toBe(two.id);
  });
});
