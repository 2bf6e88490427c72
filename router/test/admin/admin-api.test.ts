import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeServer } from "@llm/testing";
import { startFakeAnthropic } from "@llm/testing";
import OpenAI from "openai";
import { createRouter, type RouterAccess } from "../../src/create-router.js";
import type { RunningRouter } from "../../src/server.js";
import { config, listenWithAccess, silent } from "../helpers/router.js";

const TENANT_KEY = "sk-acme-tenant-key-0123456789";
const POOR_KEY = "sk-poor-tenant-key-0123456789";
const ADMIN_KEY = "admin-key-abcdefghijklmnop";
const ANTHROPIC_KEY = "sk-ant-upstream-secret-999";

describe("admin API and tenants through the router", () => {
  let dir: string;
  let fake: FakeServer;
  let runtime: RouterAccess;
  let running: RunningRouter;
  let env: NodeJS.ProcessEnv;
  let raw: Record<string, unknown>;

  const admin = (path: string, init: RequestInit = {}, key = ADMIN_KEY) =>
    fetch(`${running.url}${path}`, {
      ...init,
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "router-admin-"));
    fake = await startFakeAnthropic();
    env = { ROUTER_STATE_KEY: randomBytes(32).toString("base64") };
    raw = {
      tenants: [
        {
          id: "acme",
          keys: [{ id: "acme-1", key: TENANT_KEY }],
          budgets: { dailyUsd: 10 },
          rateLimit: { requestsPerMinute: 1000 },
        },
        { id: "poor", keys: [{ id: "poor-1", key: POOR_KEY }], budgets: { dailyUsd: 0.00001 } },
      ],
      admin: { key: ADMIN_KEY, stateFile: join(dir, "state.json"), auditLog: join(dir, "audit.jsonl") },
    };
    const cfg = config(raw);
    ({ runtime, running } = await listenWithAccess(cfg, { env }));
  });

  afterAll(async () => {
    await running.close();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("requires the admin key and never returns key hashes", async () => {
    expect((await admin("/admin/tenants", {}, "")).status).toBe(401);
    const wrong = await admin("/admin/tenants", {}, TENANT_KEY);
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
    const ok = await admin("/admin/tenants");
    expect(ok.status).toBe(200);
    const text = await ok.text();
    expect(text).toContain('"acme-1"');
    expect(text).not.toMatch(/keyHash|[0-9a-f]{64}|sk-acme/);
  });

  it("rejects malformed provider and usage requests with 400 naming the field", async () => {
    const bad = await admin("/admin/providers", {
      method: "POST",
      body: JSON.stringify({ name: "x", type: "bogus" }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe("type");
    const noName = await admin("/admin/providers", {
      method: "POST",
      body: JSON.stringify({ type: "openai" }),
    });
    expect(noName.status).toBe(400);
    expect((await admin("/admin/usage?groupBy=color")).status).toBe(400);
    expect((await admin("/admin/usage?from=yesterday")).status).toBe(400);
    const notJson = await admin("/admin/state/import", { method: "POST", body: "{not json" });
    expect(notJson.status).toBe(400);
  });

  it("adds a provider at runtime, persists its key encrypted and routes tenant traffic to it", async () => {
    const created = await admin("/admin/providers", {
      method: "POST",
      body: JSON.stringify({
        name: "claude",
        type: "anthropic",
        apiKey: ANTHROPIC_KEY,
        baseURL: fake.url,
        models: { fast: "claude-haiku-4-5" },
      }),
    });
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body).toMatchObject({ name: "claude", hasApiKey: true, source: "admin" });
    expect(JSON.stringify(body)).not.toContain(ANTHROPIC_KEY);
    const file = await readFile(join(dir, "state.json"), "utf8");
    expect(file).toContain("enc:v1:");
    expect(file).not.toContain(ANTHROPIC_KEY);
    expect(running.router.targets().map((t) => t.name)).toContain("claude");

    const client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: TENANT_KEY, maxRetries: 0 });
    const res = await client.chat.completions.create({
      model: "fast",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.choices[0]?.message.content).toBe("Hello");
    expect(fake.received.at(-1)!.headers["x-api-key"]).toBe(ANTHROPIC_KEY);
    expect(fake.received.at(-1)!.body.model).toBe("claude-haiku-4-5");
    const stream = await client.chat.completions.create({
      model: "fast",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
    expect(text).toBe("Hello");

    // Ledger, budgets and usage agree with the per-request costs: 12 in + 5 out at $1/$5 per 1M.
    const perRequest = (12 * 1 + 5 * 5) / 1e6;
    const records = runtime.ledger.records().filter((r) => r.tenantId === "acme" && r.status === 200);
    expect(records).toHaveLength(2);
    for (const r of records) expect(r.costUsd).toBeCloseTo(perRequest, 12);
    const usage = (await (await admin("/admin/usage?groupBy=target")).json()) as {
      totals: { costUsd: number; requests: number };
      breakdown: { key: string; costUsd: number }[];
    };
    expect(usage.totals.costUsd).toBeCloseTo(
      records.reduce((n, r) => n + r.costUsd, 0),
      12,
    );
    expect(usage.breakdown.find((b) => b.key === "claude")!.costUsd).toBeCloseTo(2 * perRequest, 12);
    const budgets = (await (await admin("/admin/budgets")).json()) as {
      data: {
        scope: string;
        id: string;
        periods: { daily: { spentUsd: number; reservedUsd: number; remainingUsd: number } };
      }[];
    };
    const acme = budgets.data.find((b) => b.scope === "tenant" && b.id === "acme")!;
    expect(acme.periods.daily.spentUsd).toBeCloseTo(2 * perRequest, 12);
    expect(acme.periods.daily.reservedUsd).toBeCloseTo(0, 12);
    expect(acme.periods.daily.remainingUsd).toBeCloseTo(10 - 2 * perRequest, 9);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/llm_router_tenant_requests_total\{tenant="acme",status="200"\} 2/);
  });

  it("refuses bad keys (401) and exhausted budgets (429 insufficient_quota) without touching the upstream", async () => {
    const before = fake.received.length;
    const wrong = new OpenAI({
      baseURL: `${running.url}/v1`,
      apiKey: "sk-not-a-real-key-000000",
      maxRetries: 0,
    });
    await expect(
      wrong.chat.completions.create({ model: "fast", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toMatchObject({
      status: 401,
    });
    const poor = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: POOR_KEY, maxRetries: 0 });
    const err = await poor.chat.completions
      .create({ model: "fast", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e as { status: number; code: string; headers: Headers });
    expect(err).toMatchObject({ status: 429, code: "insufficient_quota" });
    expect(fake.received.length).toBe(before);
    // Refusals are still accounted for in the ledger.
    expect(runtime.ledger.records().some((r) => r.tenantId === "poor" && r.status === 429)).toBe(true);
  });

  it("updates (keeping the stored key), disables, exports, imports and deletes providers", async () => {
    const put = await admin("/admin/providers/claude", {
      method: "PUT",
      body: JSON.stringify({ type: "anthropic", baseURL: fake.url, models: { fast: "claude-sonnet-4-5" } }),
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ hasApiKey: true });
    const client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: TENANT_KEY, maxRetries: 0 });
    await client.chat.completions.create({ model: "fast", messages: [{ role: "user", content: "hi" }] });
    expect(fake.received.at(-1)!.body.model).toBe("claude-sonnet-4-5");
    expect(fake.received.at(-1)!.headers["x-api-key"]).toBe(ANTHROPIC_KEY);

    expect((await admin("/admin/providers/claude/disable", { method: "POST" })).status).toBe(200);
    expect(running.router.targets().find((t) => t.name === "claude")?.enabled).toBe(false);
    const listed = (await (await admin("/admin/providers")).json()) as {
      data: { name: string; enabled: boolean }[];
    };
    expect(listed.data.find((p) => p.name === "claude")?.enabled).toBe(false);

    const exported = await (await admin("/admin/state/export")).json();
    expect(JSON.stringify(exported)).toContain("enc:v1:");
    expect(JSON.stringify(exported)).not.toContain(ANTHROPIC_KEY);

    expect((await admin("/admin/providers/claude", { method: "DELETE" })).status).toBe(200);
    expect((await admin("/admin/providers/claude", { method: "DELETE" })).status).toBe(404);
    expect(running.router.targets().map((t) => t.name)).not.toContain("claude");

    // A tampered export is refused; the genuine one restores the provider with its key.
    const tampered = JSON.parse(JSON.stringify(exported));
    const enc: string = tampered.providers[0].config.apiKey;
    tampered.providers[0].config.apiKey = `${enc.slice(0, -4)}AAAA`;
    expect(
      (await admin("/admin/state/import", { method: "POST", body: JSON.stringify(tampered) })).status,
    ).toBe(400);
    const imported = await admin("/admin/state/import", { method: "POST", body: JSON.stringify(exported) });
    expect(await imported.json()).toEqual({ imported: 1 });
    expect(running.router.targets().map((t) => t.name)).toContain("claude");

    // Another replica (or a restart) loading the same state file gets the provider back.
    const again = await createRouter(config(raw), { env, logger: silent, healthPolling: false });
    expect(again.access!.store.targets().externalProviders[0]).toMatchObject({
      name: "claude",
      apiKey: ANTHROPIC_KEY,
    });
    await again.close();
  });

  it("manages clusters too, with the HMAC secret encrypted at rest", async () => {
    const created = await admin("/admin/providers", {
      method: "POST",
      body: JSON.stringify({
        kind: "cluster",
        name: "gke-cpu",
        endpoint: "http://127.0.0.1:9",
        authType: "hmac",
        sharedSecret: "cluster-hmac-secret-0123456789",
        models: ["tiny"],
      }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ kind: "cluster", hasSharedSecret: true });
    expect(running.router.targets().find((t) => t.name === "gke-cpu")?.kind).toBe("cluster");
    const file = await readFile(join(dir, "state.json"), "utf8");
    expect(file).not.toContain("cluster-hmac-secret");
    const noSecret = await admin("/admin/providers", {
      method: "POST",
      body: JSON.stringify({
        kind: "cluster",
        name: "bad",
        endpoint: "http://127.0.0.1:9",
        authType: "hmac",
        models: ["t"],
      }),
    });
    expect(noSecret.status).toBe(400);
    expect(((await noSecret.json()) as { error: { param: string } }).error.param).toBe("sharedSecret");
    expect((await admin("/admin/providers/gke-cpu", { method: "DELETE" })).status).toBe(200);
  });

  it("keeps admin-managed providers and applies new tenants when the config file reloads", async () => {
    const NEW_KEY = "sk-newco-tenant-key-0123456789";
    running.router.reload(
      config({
        ...raw,
        tenants: [...(raw.tenants as object[]), { id: "newco", keys: [{ id: "newco-1", key: NEW_KEY }] }],
      }),
    );
    expect(running.router.targets().map((t) => t.name)).toContain("claude");
    // The restored provider is still disabled from the earlier step: enable it, then call it with the new key.
    expect((await admin("/admin/providers/claude/enable", { method: "POST" })).status).toBe(200);
    const client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: NEW_KEY, maxRetries: 0 });
    const res = await client.chat.completions.create({
      model: "fast",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.choices[0]?.message.content).toBe("Hello");
    const tenants = (await (await admin("/admin/tenants")).json()) as { data: { id: string }[] };
    expect(tenants.data.map((t) => t.id)).toContain("newco");
  });

  it("writes an audit log of admin actions and key use without secrets", async () => {
    await runtime.guard.close();
    const lines = (await readFile(join(dir, "audit.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const actions = lines.map((l) => l.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "admin.provider.create",
        "admin.provider.delete",
        "admin.state.import",
        "key.used",
        "auth.failed",
      ]),
    );
    const text = lines.map((l) => JSON.stringify(l)).join("\n");
    for (const secret of [TENANT_KEY, ADMIN_KEY, ANTHROPIC_KEY]) expect(text).not.toContain(secret);
  });
});
