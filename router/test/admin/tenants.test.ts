import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ACME_TA, ADMIN, type AdminFixture, OTHER_TA, startAdminFixture, VIEWER } from "./fixture.js";

describe("admin API: tenants, and persistence of API-made tenants and keys", () => {
  let f: AdminFixture;
  beforeAll(async () => {
    f = await startAdminFixture();
  });
  afterAll(() => f?.close());

  it("creates, reads, updates and deletes an API-made tenant; YAML tenants are read-only", async () => {
    const made = await f.call("/admin/tenants", ADMIN, {
      method: "POST",
      body: { id: "beta", name: "Beta Inc", budgets: { monthlyUsd: 100 } },
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ id: "beta", name: "Beta Inc", source: "admin", keys: [] });
    expect(made.json.budgets).toMatchObject({ monthlyUsd: 100 });
    expect((await f.call("/admin/tenants", ADMIN, { method: "POST", body: { id: "beta" } })).status).toBe(
      409,
    );
    const bad = await f.call("/admin/tenants", ADMIN, { method: "POST", body: { id: "bad id!" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe("id");
    expect((await f.call("/admin/tenants/nobody", ADMIN)).status).toBe(404);
    const acme = await f.call("/admin/tenants/acme", ADMIN);
    expect(acme.json).toMatchObject({ id: "acme", source: "config" });
    expect(acme.json.keys.find((k: { id: string }) => k.id === "acme-ta").role).toBe("tenant-admin");
    const yamlPut = await f.call("/admin/tenants/acme", ADMIN, {
      method: "PUT",
      body: { budgets: { dailyUsd: 1 } },
    });
    expect(yamlPut.status).toBe(409);

    const put = await f.call("/admin/tenants/beta", ADMIN, {
      method: "PUT",
      body: { rateLimit: { requestsPerMinute: 60 } },
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ id: "beta", rateLimit: { requestsPerMinute: 60 }, budgets: null });

    const key = await f.call("/admin/keys", ADMIN, { method: "POST", body: { tenant: "beta" } });
    expect(await f.chat(key.json.key)).toBe(200);
    const del = await f.call("/admin/tenants/beta", ADMIN, { method: "DELETE" });
    expect(del.json).toEqual({ id: "beta", object: "tenant", deleted: true });
    expect(await f.chat(key.json.key)).toBe(401);
    expect((await f.call("/admin/tenants/beta", ADMIN)).status).toBe(404);
  });

  it("enforces roles on tenants: only admin creates, a tenant-admin sees and changes only its own", async () => {
    expect((await f.call("/admin/tenants", VIEWER, { method: "POST", body: { id: "x1" } })).status).toBe(403);
    expect((await f.call("/admin/tenants", ACME_TA, { method: "POST", body: { id: "x1" } })).status).toBe(
      403,
    );
    const mine = await f.call("/admin/tenants", ACME_TA);
    expect(mine.json.data.map((t: { id: string }) => t.id)).toEqual(["acme"]);
    expect((await f.call("/admin/tenants/other", ACME_TA)).status).toBe(403);
    expect((await f.call("/admin/tenants", VIEWER)).json.data.length).toBeGreaterThanOrEqual(3);
    // a tenant-admin of an API-made tenant may change its budgets
    await f.call("/admin/tenants", ADMIN, { method: "POST", body: { id: "gamma" } });
    const ta = await f.call("/admin/keys", ADMIN, {
      method: "POST",
      body: { tenant: "gamma", role: "tenant-admin" },
    });
    const put = await f.call("/admin/tenants/gamma", ta.json.key, {
      method: "PUT",
      body: { budgets: { dailyUsd: 2 } },
    });
    expect(put.status).toBe(200);
    expect((await f.call("/admin/tenants/gamma", OTHER_TA, { method: "PUT", body: {} })).status).toBe(403);
    expect(
      (await f.call("/admin/budgets", ta.json.key)).json.data.every(
        (b: { tenantId: string }) => b.tenantId === "gamma",
      ),
    ).toBe(true);
  });

  it("keeps API-made tenants and keys across a config reload and a restart (admin.stateFile)", async () => {
    await f.call("/admin/tenants", ADMIN, { method: "POST", body: { id: "delta" } });
    const key = await f.call("/admin/keys", ADMIN, { method: "POST", body: { tenant: "delta" } });
    const yamlKey = await f.call("/admin/keys", ADMIN, { method: "POST", body: { tenant: "acme" } });
    const file = await readFile(join(f.dir, "state.json"), "utf8");
    expect(file).toContain('"delta"');
    expect(file).not.toContain(key.json.key);

    // A reload re-applies the file's tenants (setTenants) and must merge the API-made ones back.
    f.running.router.reload(f.running.router.config());
    expect(await f.chat(key.json.key)).toBe(200);

    await f.restart();
    expect(await f.chat(key.json.key)).toBe(200);
    expect(await f.chat(yamlKey.json.key)).toBe(200);
    const tenants = await f.call("/admin/tenants", ADMIN);
    expect(tenants.json.data.map((t: { id: string }) => t.id)).toEqual(
      expect.arrayContaining(["acme", "delta"]),
    );
    const keys = await f.call("/admin/keys?tenant=delta", ADMIN);
    expect(keys.json.data.map((k: { id: string }) => k.id)).toEqual([key.json.id]);
  });
});
