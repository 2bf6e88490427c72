import { type FakeOpenAI, type RedisServer, startFakeOpenAI, startRedisServer } from "@llm/testing";
import { Redis } from "ioredis";
import { analyticsReport } from "../../src/admin/analytics.js";
import type { RunningRouter } from "../../src/server.js";
import { UsageLedger } from "../../src/usage/ledger.js";
import type { UsageRecord } from "../../src/usage/types.js";
import { config, listenWithAccess } from "../helpers/router.js";

const NOW = Date.UTC(2026, 11, 3, 12, 30, 0);

function rec(i: number, over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    timestamp: NOW - 600_000 + i,
    requestId: `r${i}`,
    tenantId: "acme",
    keyId: "k",
    target: "oa",
    model: "m",
    upstreamModel: "m",
    promptTokens: 10,
    completionTokens: 5,
    costUsd: 0.001,
    latencyMs: 30,
    status: 200,
    stream: false,
    ...over,
  };
}

describe("analytics from the ledger's shared hourly roll-ups", () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await redis?.stop();
  });
  const replica = (keyPrefix: string) => {
    const client = new Redis(redis.url);
    clients.push(client);
    return new UsageLedger({ redis: { client, keyPrefix } });
  };

  it("counts both replicas' requests, errors, cache hits and savings, p50/p95 inside the right bucket", async () => {
    const a = replica("an1:");
    const b = replica("an1:");
    // Replica a: 11 fast requests (25-50 ms bucket); replica b: 9 slow ones (250-500 ms), 2 errors, 3 cache hits.
    for (let i = 0; i < 11; i++) await a.record(rec(i, { savedUsd: 0.002 }));
    for (let i = 0; i < 9; i++)
      await b.record(
        rec(100 + i, {
          latencyMs: 300 + i,
          status: i < 2 ? 502 : 200,
          cacheResult: i < 3 ? "hit" : "miss",
          model: "m2",
        }),
      );
    for (const ledger of [a, b]) {
      const r = await analyticsReport(ledger, { from: NOW - 3_600_000, to: NOW, groupBy: "model" }, NOW);
      expect(r).toMatchObject({ resolution: "hourly", percentiles: "interpolated" });
      expect(r.totals).toMatchObject({ requests: 20, errors: 2, cacheHits: 3, promptTokens: 200 });
      expect(r.totals.costUsd).toBeCloseTo(0.02, 12);
      expect(r.totals.savedUsd).toBeCloseTo(0.022, 12);
      expect(r.totals.latencyP50Ms).toBeGreaterThan(25);
      expect(r.totals.latencyP50Ms).toBeLessThanOrEqual(50);
      expect(r.totals.latencyP95Ms).toBeGreaterThan(250);
      expect(r.totals.latencyP95Ms).toBeLessThanOrEqual(500);
      expect(r.breakdown.map((x) => [x.key, x.requests])).toEqual([
        ["m", 11],
        ["m2", 9],
      ]);
      expect(r.topModels[0]).toMatchObject({ model: "m", requests: 11 });
      const day = await analyticsReport(ledger, { from: NOW - 3_600_000, to: NOW, groupBy: "day" }, NOW);
      expect(day.breakdown.map((x) => [x.key, x.requests])).toEqual([["2026-12-03", 20]]);
    }
  });

  it("answers a range older than the records in memory from the roll-ups", async () => {
    // A fresh replica holds no records at all; the shared roll-ups still have two days ago.
    const old = NOW - 2 * 86_400_000;
    await replica("an2:").record(rec(0, { timestamp: old, latencyMs: 700 }));
    const fresh = replica("an2:");
    expect(fresh.records()).toEqual([]);
    const r = await analyticsReport(fresh, { from: old - 60_000, to: old + 60_000, groupBy: "tenant" }, NOW);
    expect(r.totals).toMatchObject({ requests: 1, errors: 0 });
    expect(r.totals.latencyP50Ms).toBeGreaterThan(500);
    expect(r.totals.latencyP50Ms).toBeLessThanOrEqual(1000);

    // Without Redis: records evicted from the ring, the in-memory roll-ups remain.
    const local = new UsageLedger({ maxRecords: 5 });
    await local.record(rec(0, { timestamp: old, status: 500, cacheResult: "semantic-hit" }));
    for (let i = 1; i <= 5; i++) await local.record(rec(i));
    const l = await analyticsReport(local, { from: old - 60_000, to: old + 60_000, groupBy: "tenant" }, NOW);
    expect(l).toMatchObject({ resolution: "hourly", totals: { requests: 1, errors: 1, cacheHits: 1 } });
  });
});

describe("GET /admin/analytics on two router replicas sharing Redis", () => {
  const ADMIN = "admin-key-abcdefghijklmnop";
  const KEY = "sk-acme-yaml-key-0123456789";
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
          apiKey: "sk-up-0000",
          baseURL: `${up.url}/v1`,
          models: { m: "gpt-4o-mini" },
        },
      ],
      tenants: [{ id: "acme", keys: [{ id: "acme-1", key: KEY }] }],
      admin: { key: ADMIN },
      state: { redis: { url: redis.url, keyPrefix: "analytics-test:" } },
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
  const chat = (r: RunningRouter) =>
    fetch(`${r.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
    }).then((res) => res.status);

  it("either replica's analytics counts the requests both served", async () => {
    expect(await chat(a)).toBe(200);
    expect(await chat(a)).toBe(200);
    expect(await chat(b)).toBe(200);
    for (const r of [a, b]) {
      const res = await fetch(`${r.url}/admin/analytics?groupBy=target`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      const json = (await res.json()) as { resolution: string; totals: Record<string, number> };
      expect(json.resolution).toBe("hourly");
      expect(json.totals.requests).toBe(3);
      expect(json.totals.latencyP50Ms).toEqual(expect.any(Number));
    }
  });
});
