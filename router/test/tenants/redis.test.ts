import type { HttpError } from "@llm/contracts";
import { type RedisServer, startRedisServer } from "@llm/testing";
import type { Request } from "express";
import { Redis } from "ioredis";
import { RedisStateStore } from "../../src/state/redis.js";
import { type RateLimitConfig, tenantsConfigSection } from "../../src/tenants/config.js";
import { createAccessGuard, type TenantAccessGuard } from "../../src/tenants/guard.js";
import { UsageLedger } from "../../src/usage/ledger.js";

const KEY = "sk-shared-tenant-0123456789";
const req = { headers: { authorization: `Bearer ${KEY}` } } as unknown as Request;

let redis: RedisServer;
let url: string;
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  url = redis.url;
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis.stop();
});

/** Two guards as two router replicas: each with its own Redis connection, sharing one Redis. */
function replicas(
  prefix: string,
  extra: Record<string, unknown>,
  providers: { name: string; rateLimit?: RateLimitConfig }[] = [],
): TenantAccessGuard[] {
  const cfg = tenantsConfigSection.parse([{ id: "shared", keys: [{ id: "shared-1", key: KEY }], ...extra }])!;
  return [0, 1].map(() => {
    const client = new Redis(url);
    clients.push(client);
    return createAccessGuard({
      tenants: cfg,
      store: new RedisStateStore({ url, client, keyPrefix: prefix }),
      providers,
    });
  });
}

const est = (costUsd: number) => ({ model: "m", promptTokens: 10, maxCompletionTokens: 10, costUsd });

describe("limits shared through Redis by two router replicas", () => {
  it("admits exactly the budget when 200 requests race across both replicas", async () => {
    const [a, b] = replicas("t1:", { budgets: { dailyUsd: 1 } });
    const ta = await a!.authenticate(req);
    const tb = await b!.authenticate(req);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a!.admit(ta, est(0.01)) : b!.admit(tb, est(0.01)))),
    );
    const ok = results.filter((r) => r.status === "fulfilled") as PromiseFulfilledResult<
      Awaited<ReturnType<TenantAccessGuard["admit"]>>
    >[];
    expect(ok).toHaveLength(100);
    for (const r of results)
      if (r.status === "rejected") expect((r.reason as HttpError).code).toBe("insufficient_quota");
    await Promise.all(
      ok.map((r) => r.value.settle({ promptTokens: 1, completionTokens: 1, costUsd: 0.004, target: "x" })),
    );
    const seenByB = (await b!.budgets()).find((r) => r.scope === "tenant")!.periods.daily!;
    expect(seenByB.spentUsd).toBeCloseTo(0.4, 9);
    expect(seenByB.reservedUsd).toBeCloseTo(0, 9);
  });

  it("shares requests-per-minute and concurrency across replicas", async () => {
    const [a, b] = replicas("t2:", { rateLimit: { requestsPerMinute: 10, concurrent: 4 } });
    const ta = await a!.authenticate(req);
    const tb = await b!.authenticate(req);
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a!.admit(ta, est(0)) : b!.admit(tb, est(0)))),
    );
    const ok = results.filter((r) => r.status === "fulfilled") as PromiseFulfilledResult<
      Awaited<ReturnType<TenantAccessGuard["admit"]>>
    >[];
    expect(ok).toHaveLength(4);
    await Promise.all(
      ok.map((r) => r.value.settle({ promptTokens: 0, completionTokens: 0, costUsd: 0, target: "x" })),
    );
    // Slots are free again, but the minute's 10 requests are shared: 4 used, so 6 more pass, alternating replicas.
    for (let i = 0; i < 6; i++) {
      const r = await (i % 2 ? a!.admit(ta, est(0)) : b!.admit(tb, est(0)));
      await r.settle({ promptTokens: 0, completionTokens: 0, costUsd: 0, target: "x" });
    }
    const e = (await a!.admit(ta, est(0)).catch((err) => err)) as HttpError;
    expect([e.status, e.code]).toEqual([429, "rate_limit_exceeded"]);
    expect(e.headers["x-ratelimit-limit-requests"]).toBe("10");
  });

  it("shares a provider's own limits across replicas: concurrency, then requests per minute", async () => {
    const [a, b] = replicas("t4:", {}, [
      { name: "openai", rateLimit: { requestsPerMinute: 6, concurrent: 2 } },
    ]);
    const replica = (i: number) => (i % 2 ? a! : b!);
    /** One request on replica i: admit, then take the provider; each request has its own context. */
    const request = async (i: number) => {
      const guard = replica(i);
      const t = await guard.authenticate(req);
      const r = await guard.admit(t, est(0));
      try {
        await guard.authorizeTarget(t, "openai");
        return r;
      } catch (err) {
        await r.settle({ promptTokens: 0, completionTokens: 0, costUsd: 0, target: "openai" });
        throw err;
      }
    };
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => request(i)));
    const ok = results.filter((r) => r.status === "fulfilled") as PromiseFulfilledResult<
      Awaited<ReturnType<TenantAccessGuard["admit"]>>
    >[];
    expect(ok).toHaveLength(2);
    for (const r of results)
      if (r.status === "rejected") expect((r.reason as HttpError).code).toBe("provider_rate_limited");
    await Promise.all(
      ok.map((r) => r.value.settle({ promptTokens: 1, completionTokens: 1, costUsd: 0, target: "openai" })),
    );
    // The minute's 6 requests are shared: 2 used, so 4 more pass one after another, alternating replicas.
    for (let i = 0; i < 4; i++) {
      const r = await request(i);
      await r.settle({ promptTokens: 1, completionTokens: 1, costUsd: 0, target: "openai" });
    }
    const e = (await request(1).catch((err) => err)) as HttpError;
    expect([e.status, e.code, e.message]).toEqual([
      429,
      "provider_rate_limited",
      "Provider 'openai' is at its configured requests per minute limit",
    ]);
  });

  it("aggregates usage from both replicas in shared hourly roll-ups", async () => {
    const ledgers = [0, 1].map(() => {
      const client = new Redis(url);
      clients.push(client);
      return new UsageLedger({ redis: { client, keyPrefix: "t3:" } });
    });
    const t0 = Date.UTC(2026, 10, 23, 10, 0, 0);
    let cost = 0;
    for (let i = 0; i < 40; i++) {
      const c = 0.001 * (i % 7);
      cost += c;
      await ledgers[i % 2]!.record({
        timestamp: t0 + i * 120_000,
        requestId: `r${i}`,
        tenantId: i % 3 ? "acme" : "beta",
        keyId: "k",
        target: "openai",
        model: "gpt-4o-mini",
        upstreamModel: "gpt-4o-mini",
        promptTokens: 10,
        completionTokens: 2,
        costUsd: c,
        latencyMs: 50,
        status: i === 5 ? 500 : 200,
        stream: false,
      });
    }
    const report = await ledgers[0]!.query({ from: t0, to: t0 + 40 * 120_000, groupBy: "tenant" });
    expect(report.resolution).toBe("hourly");
    expect(report.totals.requests).toBe(40);
    expect(report.totals.errors).toBe(1);
    expect(report.totals.promptTokens).toBe(400);
    expect(report.totals.costUsd).toBeCloseTo(cost, 9);
    expect(report.breakdown.map((b) => b.key).sort()).toEqual(["acme", "beta"]);
  });
});
