import { type FakeOpenAI, type RedisServer, startFakeOpenAI, startRedisServer } from "@llm/testing";
import type { RunningRouter } from "../../src/server.js";
import { config, listenWithAccess } from "../helpers/router.js";

const ADMIN = "admin-key-abcdefghijklmnop";

/** Polls `fn` until it returns `want` (pub/sub delivery is asynchronous) or 3 s pass. */
async function eventually<T>(fn: () => Promise<T>, want: T): Promise<T> {
  const end = Date.now() + 3000;
  let last = await fn();
  while (last !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    last = await fn();
  }
  return last;
}

describe("admin API across two router replicas sharing Redis", () => {
  let redis: RedisServer;
  let up: FakeOpenAI;
  let a: RunningRouter;
  let b: RunningRouter;

  beforeAll(async () => {
    redis = await startRedisServer();
    up = await startFakeOpenAI();
    const cfg = config({
      externalProviders: [
        {
          name: "oa",
          type: "openai",
          apiKey: "sk-upstream-secret-0000",
          baseURL: `${up.url}/v1`,
          models: { m: "gpt-4o-mini" },
        },
      ],
      tenants: [{ id: "acme", keys: [{ id: "acme-1", key: "sk-acme-yaml-key-0123456789" }] }],
      admin: { key: ADMIN },
      state: { redis: { url: redis.url, keyPrefix: "admin-test:" } },
    });
    a = (await listenWithAccess(cfg)).running;
    b = (await listenWithAccess(cfg)).running;
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await up?.close();
    await redis?.stop();
  });

  const call = async (r: RunningRouter, path: string, key: string, method = "GET", body?: unknown) => {
    const res = await fetch(`${r.url}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const chat = async (r: RunningRouter, key: string) =>
    (
      await call(r, "/v1/chat/completions", key, "POST", {
        model: "m",
        max_tokens: 5,
        messages: [{ role: "user", content: "hi" }],
      })
    ).status;

  it("a key minted on one replica works on the other, and its revocation takes effect there at once", async () => {
    const minted = await call(a, "/admin/keys", ADMIN, "POST", { tenant: "acme" });
    expect(minted.status).toBe(201);
    const key = minted.json.key as string;
    expect(await eventually(() => chat(b, key), 200)).toBe(200);
    const listed = await call(b, "/admin/keys", ADMIN);
    expect((listed.json.data as { id: string }[]).map((k) => k.id)).toContain(minted.json.id);

    expect((await call(a, `/admin/keys/${minted.json.id}`, ADMIN, "DELETE")).status).toBe(200);
    // Pub/sub, not the 30 s refresh: well under a second.
    const t0 = Date.now();
    expect(await eventually(() => chat(b, key), 401)).toBe(401);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await chat(a, key)).toBe(401);
  });

  it("a tenant made on one replica is on the other, and a replica started later loads it from Redis", async () => {
    expect((await call(b, "/admin/tenants", ADMIN, "POST", { id: "beta" })).status).toBe(201);
    const key = (await call(b, "/admin/keys", ADMIN, "POST", { tenant: "beta" })).json.key as string;
    expect(await eventually(() => chat(a, key), 200)).toBe(200);
    await b.close();
    const cfg = a.router.config();
    b = (await listenWithAccess(cfg)).running;
    expect(await chat(b, key)).toBe(200);
  });
});
