import { HttpError } from "@llm/contracts";
import { startFake } from "@llm/testing";
import type { Request } from "express";
import { MemoryStateStore } from "../../src/state/memory.js";
import { type BudgetAlert, webhookSink } from "../../src/tenants/alerts.js";
import { tenantsConfigSection } from "../../src/tenants/config.js";
import { createAccessGuard } from "../../src/tenants/guard.js";
import { hashKey } from "../../src/tenants/keys.js";

const KEY_A = "sk-tenant-a-0123456789";
const KEY_B = "sk-tenant-b-0123456789";
const ADMIN = "admin-key-0123456789abcdef";

const req = (key?: string) =>
  ({ headers: key ? { authorization: `Bearer ${key}` } : {} }) as unknown as Request;
const est = (costUsd = 0.01, model = "gpt-4o-mini") => ({
  model,
  promptTokens: 10,
  maxCompletionTokens: 20,
  costUsd,
});

function tenants(extra: Record<string, unknown> = {}) {
  return tenantsConfigSection.parse([
    {
      id: "acme",
      keys: [
        { id: "acme-prod", keyHash: `sha256:${hashKey(KEY_A)}`, allowedModels: ["gpt-4o-mini", "fast"] },
      ],
      allowedTargets: ["openai", "local"],
      ...extra,
    },
    { id: "beta", keys: [{ id: "beta-1", key: KEY_B }] },
  ])!;
}

async function httpErr(p: Promise<unknown>): Promise<HttpError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HttpError);
  return e as HttpError;
}

describe("tenant config", () => {
  it("rejects a key with both key and keyHash, naming the field", () => {
    const r = tenantsConfigSection.safeParse([
      { id: "t", keys: [{ id: "k", key: KEY_A, keyHash: hashKey(KEY_A) }] },
    ]);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual([0, "keys", 0, "keyHash"]);
  });
  it("rejects duplicate key ids across tenants", () => {
    const r = tenantsConfigSection.safeParse([
      { id: "a", keys: [{ id: "k", key: KEY_A }] },
      { id: "b", keys: [{ id: "k", key: KEY_B }] },
    ]);
    expect(r.success).toBe(false);
  });
});

describe("authentication", () => {
  const guard = createAccessGuard({
    tenants: tenants(),
    admin: { key: ADMIN },
    store: new MemoryStateStore(),
  });

  it("maps a bearer key (hashed or given in clear) to its tenant", async () => {
    expect(await guard.authenticate(req(KEY_A))).toMatchObject({
      tenantId: "acme",
      keyId: "acme-prod",
      isAdmin: false,
    });
    expect(await guard.authenticate(req(KEY_B))).toMatchObject({ tenantId: "beta", keyId: "beta-1" });
    expect(await guard.authenticate(req(ADMIN))).toMatchObject({ isAdmin: true });
  });

  it("refuses missing and wrong keys with 401, never echoing the key", async () => {
    const missing = await httpErr(guard.authenticate(req()));
    expect([missing.status, missing.code]).toEqual([401, "missing_api_key"]);
    const wrong = await httpErr(guard.authenticate(req("sk-wrong-key-000000000")));
    expect([wrong.status, wrong.code, wrong.type]).toEqual([401, "invalid_api_key", "authentication_error"]);
    expect(wrong.message).not.toContain("sk-wrong");
  });

  it("refuses a model or target outside the key's allow lists with 403", async () => {
    const t = await guard.authenticate(req(KEY_A));
    const e = await httpErr(guard.admit(t, est(0.01, "gpt-4o")));
    expect([e.status, e.code, e.param]).toEqual([403, "model_not_allowed", "model"]);
    expect(() => guard.authorizeTarget(t, "anthropic")).toThrow(HttpError);
    expect(() => guard.authorizeTarget(t, "openai")).not.toThrow();
  });

  it("accepts requests without a key when no tenants are configured, warning once", async () => {
    const warnings: string[] = [];
    const open = createAccessGuard({
      store: new MemoryStateStore(),
      logger: { info: () => undefined, warn: (_o, m) => warnings.push(m ?? "") },
    });
    expect(await open.authenticate(req())).toMatchObject({ tenantId: "anonymous" });
    await (await open.admit(await open.authenticate(req()), est())).settle({
      promptTokens: 1,
      completionTokens: 1,
      costUsd: 1,
      target: "x",
    });
    expect(warnings).toHaveLength(1);
  });
});

describe("budgets", () => {
  it("admits exactly what fits when 200 requests race for a small budget, and settles to the actual spend", async () => {
    const store = new MemoryStateStore();
    const guard = createAccessGuard({ tenants: tenants({ budgets: { dailyUsd: 1 } }), store });
    const t = await guard.authenticate(req(KEY_A));
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => guard.admit(t, est(0.01))));
    const admitted = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(admitted).toHaveLength(100);
    expect(
      refused.every(
        (r) =>
          r.reason instanceof HttpError && r.reason.status === 429 && r.reason.code === "insufficient_quota",
      ),
    ).toBe(true);
    expect(Number((refused[0]!.reason as HttpError).headers["retry-after"])).toBeGreaterThan(0);
    // The requests actually cost half their estimate: settling frees the rest.
    await Promise.all(
      admitted.map((r) =>
        (r as PromiseFulfilledResult<Awaited<ReturnType<typeof guard.admit>>>).value.settle({
          promptTokens: 5,
          completionTokens: 5,
          costUsd: 0.005,
          target: "openai",
        }),
      ),
    );
    const report = await guard.budgets();
    const acme = report.find((r) => r.scope === "tenant" && r.id === "acme")!;
    expect(acme.periods.daily!.spentUsd).toBeCloseTo(0.5, 9);
    expect(acme.periods.daily!.reservedUsd).toBeCloseTo(0, 9);
    expect(acme.periods.daily!.remainingUsd).toBeCloseTo(0.5, 9);
    expect(acme.periods.monthly!.spentUsd).toBeCloseTo(0.5, 9);
    // Settling twice does not charge twice.
    await (admitted[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof guard.admit>>>).value.settle({
      promptTokens: 5,
      completionTokens: 5,
      costUsd: 0.005,
      target: "openai",
    });
    expect((await guard.budgets()).find((r) => r.id === "acme")!.periods.daily!.spentUsd).toBeCloseTo(0.5, 9);
  });

  it("fires each soft alert threshold once and POSTs it to the webhook sink", async () => {
    const alerts: [BudgetAlert, string | undefined][] = [];
    const guard = createAccessGuard({
      tenants: tenants({
        budgets: { monthlyUsd: 1, alertThresholds: [0.5, 0.9], alertWebhook: "http://127.0.0.1:9/hook" },
      }),
      store: new MemoryStateStore(),
      alerts: async (a, url) => {
        alerts.push([a, url]);
      },
    });
    const t = await guard.authenticate(req(KEY_A));
    for (let i = 0; i < 10; i++)
      await (await guard.admit(t, est(0.1))).settle({
        promptTokens: 1,
        completionTokens: 1,
        costUsd: 0.1,
        target: "openai",
      });
    expect(alerts.map(([a]) => [a.scope, a.period, a.threshold])).toEqual([
      ["tenant:acme", "monthly", 0.5],
      ["tenant:acme", "monthly", 0.9],
    ]);
    expect(alerts[0]![1]).toBe("http://127.0.0.1:9/hook");
  });
});

describe("rate limits", () => {
  it("refuses past requests per minute with 429, Retry-After and x-ratelimit headers", async () => {
    let now = 1_700_000_000_000;
    const guard = createAccessGuard({
      tenants: tenants({ rateLimit: { requestsPerMinute: 5, tokensPerMinute: 1000 } }),
      store: new MemoryStateStore(() => now),
      now: () => now,
    });
    const t = await guard.authenticate(req(KEY_A));
    const ok = [];
    for (let i = 0; i < 5; i++) ok.push(await guard.admit(t, est(0)));
    expect(ok[4]!.headers["x-ratelimit-remaining-requests"]).toBe("0");
    expect(ok[0]!.headers["x-ratelimit-limit-tokens"]).toBe("1000");
    const e = await httpErr(guard.admit(t, est(0)));
    expect([e.status, e.code, e.type]).toEqual([429, "rate_limit_exceeded", "rate_limit_error"]);
    expect(e.headers["retry-after"]).toBe("12");
    expect(e.headers["x-ratelimit-limit-requests"]).toBe("5");
    expect(e.headers["x-ratelimit-remaining-requests"]).toBe("0");
    expect(e.headers["x-ratelimit-reset-requests"]).toMatch(/^\d+s$/);
    now += 12_000;
    await expect(guard.admit(t, est(0))).resolves.toBeDefined();
  });

  it("reserves max tokens at admission and refunds the unused part at settlement", async () => {
    const guard = createAccessGuard({
      tenants: tenants({ rateLimit: { tokensPerMinute: 100 } }),
      store: new MemoryStateStore(),
    });
    const t = await guard.authenticate(req(KEY_A));
    const big = { model: "fast", promptTokens: 10, maxCompletionTokens: 80, costUsd: 0 };
    const r1 = await guard.admit(t, big);
    const e = await httpErr(guard.admit(t, big));
    expect(e.headers["x-ratelimit-remaining-tokens"]).toBe("10");
    await r1.settle({ promptTokens: 10, completionTokens: 0, costUsd: 0, target: "openai" });
    await expect(guard.admit(t, big)).resolves.toBeDefined();
  });

  it("caps concurrent requests per key and frees the slot on settle", async () => {
    const guard = createAccessGuard({
      tenants: tenants({ rateLimit: { concurrent: 2 } }),
      store: new MemoryStateStore(),
    });
    const t = await guard.authenticate(req(KEY_A));
    const held = await Promise.allSettled(Array.from({ length: 20 }, () => guard.admit(t, est(0))));
    expect(held.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    await (held[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof guard.admit>>>).value.settle({
      promptTokens: 0,
      completionTokens: 0,
      costUsd: 0,
      target: "x",
    });
    await expect(guard.admit(t, est(0))).resolves.toBeDefined();
  });

  it("enforces a provider's own concurrency limit in authorizeTarget", async () => {
    const guard = createAccessGuard({
      tenants: tenants(),
      providers: [{ name: "openai", rateLimit: { concurrent: 1 } }],
      store: new MemoryStateStore(),
    });
    const a = await guard.authenticate(req(KEY_A));
    const b = await guard.authenticate(req(KEY_A));
    const ra = await guard.admit(a, est(0));
    await guard.authorizeTarget(a, "openai");
    const e = await Promise.resolve(guard.authorizeTarget(b, "openai")).catch((err: HttpError) => err);
    expect([e?.status, e?.code]).toEqual([429, "provider_rate_limited"]);
    await ra.settle({ promptTokens: 1, completionTokens: 1, costUsd: 0, target: "openai" });
    await expect(Promise.resolve(guard.authorizeTarget(b, "openai"))).resolves.toBeUndefined();
    // A target without limits of its own is authorized without a promise to wait for.
    expect(guard.authorizeTarget(b, "local")).toBeUndefined();
  });

  it("counts a provider's requests per minute and charges its tokens per minute with actual usage", async () => {
    let now = 1_000_000;
    const store = new MemoryStateStore(() => now);
    const guard = createAccessGuard({
      tenants: tenants(),
      providers: [
        { name: "rpm", rateLimit: { requestsPerMinute: 2 } },
        { name: "tpm", rateLimit: { tokensPerMinute: 600 } },
      ],
      store,
      now: () => now,
    });
    const t = await guard.authenticate(req(KEY_B));
    const refusal = async (target: string) =>
      Promise.resolve(guard.authorizeTarget(t, target)).then(
        () => undefined,
        (err: HttpError) => ({ status: err.status, code: err.code, retryAfter: err.headers["retry-after"] }),
      );
    expect(await refusal("rpm")).toBeUndefined();
    expect(await refusal("rpm")).toBeUndefined();
    // Two per minute refill one every 30 s.
    expect(await refusal("rpm")).toEqual({ status: 429, code: "provider_rate_limited", retryAfter: "30" });
    now += 30_000;
    expect(await refusal("rpm")).toBeUndefined();

    // 900 tokens answered at "tpm" put its 600/min bucket 300 tokens in debt: refused for 30 s.
    const r = await guard.admit(t, est(0));
    await guard.authorizeTarget(t, "tpm");
    await r.settle({ promptTokens: 100, completionTokens: 800, costUsd: 0, target: "tpm" });
    expect(await refusal("tpm")).toMatchObject({ status: 429, retryAfter: "30" });
    now += 31_000;
    expect(await refusal("tpm")).toBeUndefined();
  });

  it("charges the answer's tokens to the target that served it, not to a provider tried before a failover", async () => {
    const guard = createAccessGuard({
      tenants: tenants(),
      providers: [
        { name: "first", rateLimit: { tokensPerMinute: 600 } },
        { name: "second", rateLimit: { tokensPerMinute: 600 } },
      ],
      store: new MemoryStateStore(),
    });
    const t = await guard.authenticate(req(KEY_B));
    const after = async (tried: string[], servedBy: string) => {
      const ctx = await guard.authenticate(req(KEY_B));
      const r = await guard.admit(ctx, est(0));
      for (const name of tried) await guard.authorizeTarget(ctx, name);
      await r.settle({ promptTokens: 100, completionTokens: 800, costUsd: 0, target: servedBy });
    };
    const refused = (name: string) =>
      Promise.resolve(guard.authorizeTarget(t, name)).then(
        () => false,
        () => true,
      );
    // "first" failed, a cluster without limits answered: nobody's bucket is charged.
    await after(["first"], "local");
    expect(await refused("first")).toBe(false);
    // "first" failed, "second" answered 900 tokens: only "second" is in debt.
    await after(["first", "second"], "second");
    expect([await refused("first"), await refused("second")]).toEqual([false, true]);
  });
});

describe("budget alert webhook", () => {
  it("POSTs the alert as JSON", async () => {
    const hook = await startFake((_req, res) => {
      res.writeHead(204).end();
    });
    try {
      const alert: BudgetAlert = {
        event: "budget.alert",
        scope: "tenant:acme",
        period: "daily",
        threshold: 0.8,
        limitUsd: 5,
        spentUsd: 4.1,
      };
      await webhookSink(alert, `${hook.url}/alerts`);
      expect(hook.received[0]).toMatchObject({ method: "POST", url: "/alerts", body: alert });
    } finally {
      await hook.close();
    }
  });
});
