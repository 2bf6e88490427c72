import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import type { RouterEvent } from "../../src/events/schema.js";
import {
  ACME_TA,
  ACME_USER,
  ADMIN,
  type AdminFixture,
  EXPIRED,
  OTHER_TA,
  startAdminFixture,
  VIEWER,
} from "./fixture.js";

describe("admin API: virtual keys and roles", () => {
  let f: AdminFixture;
  const logs: string[] = [];
  const events: RouterEvent[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    });
    f = await startAdminFixture({ logger: pino({ level: "trace" }, sink) });
    f.running.router.events.subscribe({}, (e) => {
      events.push(e);
    });
  });
  afterAll(() => f?.close());

  it("says who is calling: role, tenant and key id", async () => {
    expect((await f.call("/admin/me", ADMIN)).json).toEqual({
      role: "admin",
      tenant: null,
      keyId: "admin",
      via: "admin-key",
    });
    expect((await f.call("/admin/me", ACME_TA)).json).toMatchObject({ role: "tenant-admin", tenant: "acme" });
    expect((await f.call("/admin/me", ACME_USER)).json).toMatchObject({ role: "user", tenant: "acme" });
    expect((await f.call("/admin/me", VIEWER)).json).toMatchObject({ role: "viewer", tenant: "ops" });
    expect((await f.call("/admin/me", "")).status).toBe(401);
    expect((await f.call("/admin/me", "sk-not-a-key-at-all-0000")).status).toBe(401);
  });

  it("refuses an expired key with 401 on the inference and admin endpoints", async () => {
    expect(await f.chat(EXPIRED)).toBe(401);
    const me = await f.call("/admin/me", EXPIRED);
    expect(me.status).toBe(401);
    expect(me.json.error.message).toMatch(/expired/);
  });

  it("mints a key shown once, lists it without the secret, and the key works", async () => {
    const minted = await f.call("/admin/keys", ADMIN, {
      method: "POST",
      body: { tenant: "acme", name: "ci", budgets: { dailyUsd: 5 }, expiresIn: "30d" },
    });
    expect(minted.status).toBe(201);
    const key = minted.json.key as string;
    expect(key).toMatch(/^sk-llm-[A-Za-z0-9_-]{32}$/);
    expect(minted.json).toMatchObject({
      object: "api_key",
      tenant: "acme",
      role: "user",
      source: "admin",
      name: "ci",
      prefix: key.slice(0, 14),
      expired: false,
      lastUsedAt: null,
    });
    expect(await f.chat(key)).toBe(200);
    const list = await f.call("/admin/keys", ADMIN);
    expect(list.status).toBe(200);
    const row = list.json.data.find((k: { id: string }) => k.id === minted.json.id);
    expect(row.lastUsedAt).not.toBeNull();
    expect(row.spend.daily.spentUsd).toBeGreaterThan(0);
    expect(row.spend.daily.limitUsd).toBe(5);
    expect(row.key).toBeUndefined();
    const text = JSON.stringify(list.json);
    expect(text).not.toContain(key);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(list.json.data.map((k: { id: string }) => k.id)).toEqual(
      expect.arrayContaining(["acme-user", "ops-viewer"]),
    );

    // The minted key appears nowhere else: logs, metrics, audit log, events.
    await new Promise((r) => setTimeout(r, 50));
    const metrics = await (await fetch(`${f.running.url}/metrics`)).text();
    const audit = await readFile(join(f.dir, "audit.jsonl"), "utf8");
    expect(audit).toContain("admin.key.mint");
    expect(logs.length).toBeGreaterThan(0);
    expect(events.some((e) => e.type === "decision" && e.keyId === minted.json.id)).toBe(true);
    for (const where of [logs.join(""), metrics, audit, JSON.stringify(events)]) {
      expect(where).not.toContain(key);
      expect(where).not.toContain(key.slice(14));
    }
  });

  it("answers 400 naming the field, 404 for an unknown tenant or key, 409 for a YAML key", async () => {
    const bad = await f.call("/admin/keys", ADMIN, {
      method: "POST",
      body: { tenant: "acme", role: "root" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe("role");
    const past = await f.call("/admin/keys", ADMIN, {
      method: "POST",
      body: { tenant: "acme", expiresAt: "2020-01-01T00:00:00Z" },
    });
    expect(past.status).toBe(400);
    expect((await f.call("/admin/keys", ADMIN, { method: "POST", body: { tenant: "nobody" } })).status).toBe(
      404,
    );
    expect((await f.call("/admin/keys/key_missing/rotate", ADMIN, { method: "POST", body: {} })).status).toBe(
      404,
    );
    expect((await f.call("/admin/keys/key_missing", ADMIN, { method: "DELETE" })).status).toBe(404);
    const yaml = await f.call("/admin/keys/acme-user", ADMIN, { method: "DELETE" });
    expect(yaml.status).toBe(409);
    expect(yaml.json.error.code).toBe("read_only");
  });

  it("enforces the role matrix: viewer reads only, tenant-admin stays in its tenant, user is no admin", async () => {
    const mint = (key: string, body: unknown) => f.call("/admin/keys", key, { method: "POST", body });
    expect((await f.call("/admin/keys", VIEWER)).status).toBe(200);
    expect((await mint(VIEWER, { tenant: "acme" })).status).toBe(403);
    expect((await mint(ACME_USER, { tenant: "acme" })).status).toBe(401);
    expect((await f.call("/admin/keys", ACME_USER)).status).toBe(401);
    expect((await mint(ACME_TA, { tenant: "other" })).status).toBe(403);
    expect((await mint(ACME_TA, { tenant: "acme", role: "admin" })).status).toBe(403);
    const own = await mint(ACME_TA, { tenant: "acme" });
    expect(own.status).toBe(201);
    // tenant-admin lists only its tenant, and cannot ask for another one
    const listed = await f.call("/admin/keys", ACME_TA);
    expect(new Set(listed.json.data.map((k: { tenant: string }) => k.tenant))).toEqual(new Set(["acme"]));
    expect((await f.call("/admin/keys?tenant=other", ACME_TA)).status).toBe(403);
    // another tenant's admin cannot rotate or revoke it; a viewer neither
    expect((await f.call(`/admin/keys/${own.json.id}`, OTHER_TA, { method: "DELETE" })).status).toBe(403);
    expect(
      (await f.call(`/admin/keys/${own.json.id}/rotate`, VIEWER, { method: "POST", body: {} })).status,
    ).toBe(403);
    expect(await f.chat(own.json.key)).toBe(200);
    // the whole router's usage and providers are not a tenant-admin's
    expect((await f.call("/admin/usage", ACME_TA)).status).toBe(403);
    expect((await f.call("/admin/providers", VIEWER)).status).toBe(200);
    expect((await f.call("/admin/providers", ACME_TA)).status).toBe(403);
    expect((await f.call("/admin/state/export", VIEWER)).status).toBe(403);
  });

  it("rotates with a grace period for the old secret, and revokes at once", async () => {
    const first = await f.call("/admin/keys", ACME_TA, { method: "POST", body: { tenant: "acme" } });
    const rotated = await f.call(`/admin/keys/${first.json.id}/rotate`, ACME_TA, {
      method: "POST",
      body: { gracePeriod: "1h" },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.json.key).not.toBe(first.json.key);
    expect(rotated.json.graceUntil).not.toBeNull();
    expect(await f.chat(first.json.key)).toBe(200);
    expect(await f.chat(rotated.json.key)).toBe(200);
    // without a grace period the old secret stops at once
    const again = await f.call(`/admin/keys/${first.json.id}/rotate`, ADMIN, { method: "POST", body: {} });
    expect(await f.chat(rotated.json.key)).toBe(401);
    expect(await f.chat(again.json.key)).toBe(200);
    const del = await f.call(`/admin/keys/${first.json.id}`, ACME_TA, { method: "DELETE" });
    expect(del.json).toEqual({ id: first.json.id, object: "api_key", deleted: true });
    expect(await f.chat(again.json.key)).toBe(401);
    expect(await f.chat(first.json.key)).toBe(401); // its grace ended with the revocation
  });

  it("enforces a minted key's own allowed models and rate limit", async () => {
    const narrow = await f.call("/admin/keys", ADMIN, {
      method: "POST",
      body: { tenant: "acme", allowedModels: ["another-model"] },
    });
    expect(await f.chat(narrow.json.key)).toBe(403);
    const slow = await f.call("/admin/keys", ADMIN, {
      method: "POST",
      body: { tenant: "acme", rateLimit: { requestsPerMinute: 1 } },
    });
    expect(slow.json.rateLimit).toEqual({ requestsPerMinute: 1 });
    expect(await f.chat(slow.json.key)).toBe(200);
    expect(await f.chat(slow.json.key)).toBe(429);
  });

  it("answers 401 on every admin endpoint without a credential, and 400/404 on bad rotate and delete calls", async () => {
    const routes: [string, string][] = [
      ["GET", "/admin/me"],
      ["GET", "/admin/keys"],
      ["POST", "/admin/keys"],
      ["POST", "/admin/keys/key_x/rotate"],
      ["DELETE", "/admin/keys/key_x"],
      ["GET", "/admin/tenants"],
      ["POST", "/admin/tenants"],
      ["PUT", "/admin/tenants/acme"],
      ["DELETE", "/admin/tenants/acme"],
      ["GET", "/admin/analytics"],
      ["GET", "/admin/events"],
      ["POST", "/admin/providers/oa/test"],
    ];
    for (const [method, path] of routes) {
      const r = await f.call(path, "", { method, ...(method === "GET" ? {} : { body: {} }) });
      expect([method, path, r.status]).toEqual([method, path, 401]);
      expect(r.json.error.code).toBe("invalid_api_key");
    }
    const m = await f.call("/admin/keys", ADMIN, { method: "POST", body: { tenant: "acme" } });
    const bad = await f.call(`/admin/keys/${m.json.id}/rotate`, ADMIN, {
      method: "POST",
      body: { gracePeriod: 5 },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe("gracePeriod");
    expect((await f.call("/admin/tenants/nobody", ADMIN, { method: "DELETE" })).status).toBe(404);
    expect((await f.call("/admin/tenants/nobody", ADMIN, { method: "PUT", body: {} })).status).toBe(404);
  });

  it("lets a minted key expire", async () => {
    const m = await f.call("/admin/keys", ADMIN, {
      method: "POST",
      body: { tenant: "acme", expiresIn: "1s" },
    });
    expect(await f.chat(m.json.key)).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await f.chat(m.json.key)).toBe(401);
    const row = (await f.call("/admin/keys", ADMIN)).json.data.find(
      (k: { id: string }) => k.id === m.json.id,
    );
    expect(row.expired).toBe(true);
  });
});
