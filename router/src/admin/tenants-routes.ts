import { HttpError, parseBody } from "@llm/contracts";
import express, { type Router } from "express";
import type { AuditLog } from "../audit/log.js";
import type { TenantConfig } from "../tenants/config.js";
import type { AccessStore } from "./access-store.js";
import { tenantInput } from "./access-types.js";
import { handle, notFound, principalOf, readOnly } from "./http.js";
import { type Principal, requireRole, requireTenantAdmin, tenantScope } from "./principal.js";

export interface TenantsRoutesDeps {
  access: AccessStore;
  /** The config file's tenants (read-only here). */
  yamlTenants: () => readonly TenantConfig[];
  /** The tenants the guard runs on (config file + API-made, with minted keys). */
  running: () => readonly TenantConfig[];
  audit?: AuditLog;
  now: () => number;
}

/** A tenant without key hashes or secrets: ids, access lists, limits, budgets, where it is defined. */
function publicTenant(t: TenantConfig, source: "config" | "admin") {
  return {
    id: t.id,
    name: t.name ?? t.id,
    source,
    allowedModels: t.allowedModels ?? null,
    allowedTargets: t.allowedTargets ?? null,
    budgets: t.budgets ?? null,
    rateLimit: t.rateLimit ?? null,
    keys: t.keys.map((k) => ({
      id: k.id,
      role: k.role ?? "user",
      allowedModels: k.allowedModels ?? null,
      allowedTargets: k.allowedTargets ?? null,
      budgets: k.budgets ?? null,
      rateLimit: k.rateLimit ?? null,
    })),
  };
}

/** `/admin/tenants`: list and read every tenant; create, replace and delete API-made ones. */
export function tenantsRoutes(deps: TenantsRoutesDeps): Router {
  const r = express.Router();
  const isYaml = (id: string) => deps.yamlTenants().some((t) => t.id === id);
  const audit = (p: Principal, action: string, target: string) =>
    deps.audit?.write({ action, actor: p.keyId, target, outcome: "ok", details: { role: p.role } });
  const view = (t: TenantConfig) => publicTenant(t, isYaml(t.id) ? "config" : "admin");
  const find = (id: string) => deps.running().find((t) => t.id === id);

  r.get(
    "/admin/tenants",
    handle((_req, res) => {
      const scope = tenantScope(principalOf(res), undefined);
      const list = deps.running().filter((t) => scope === undefined || t.id === scope);
      res.json({ object: "list", data: list.map(view) });
    }),
  );

  r.get(
    "/admin/tenants/:id",
    handle((req, res) => {
      const id = String(req.params.id);
      tenantScope(principalOf(res), id);
      const t = find(id);
      if (!t) throw notFound("tenant", id, "id");
      res.json(view(t));
    }),
  );

  r.post(
    "/admin/tenants",
    handle(async (req, res) => {
      const p = principalOf(res);
      requireRole(p, "admin");
      const body = parseBody(tenantInput, req.body ?? {});
      if (isYaml(body.id)) throw readOnly("Tenant", body.id);
      await deps.access.update((d) => {
        if (d.tenants.some((t) => t.id === body.id))
          throw new HttpError(409, `A tenant '${body.id}' already exists`, { code: "conflict", param: "id" });
        d.tenants.push({ ...body, createdAt: new Date(deps.now()).toISOString() });
      });
      await audit(p, "admin.tenant.create", body.id);
      res.status(201).json(view(find(body.id)!));
    }),
  );

  r.put(
    "/admin/tenants/:id",
    handle(async (req, res) => {
      const p = principalOf(res);
      const id = String(req.params.id);
      requireTenantAdmin(p, id);
      if (isYaml(id)) throw readOnly("Tenant", id);
      const body = parseBody(tenantInput, { id, ...(req.body ?? {}) });
      if (body.id !== id) throw new HttpError(400, "id in body must match the URL", { param: "id" });
      await deps.access.update((d) => {
        const i = d.tenants.findIndex((t) => t.id === id);
        if (i < 0) throw notFound("tenant", id, "id");
        d.tenants[i] = { ...body, createdAt: d.tenants[i]!.createdAt };
      });
      await audit(p, "admin.tenant.update", id);
      res.json(view(find(id)!));
    }),
  );

  r.delete(
    "/admin/tenants/:id",
    handle(async (req, res) => {
      const p = principalOf(res);
      requireRole(p, "admin");
      const id = String(req.params.id);
      if (isYaml(id)) throw readOnly("Tenant", id);
      await deps.access.update((d) => {
        if (!d.tenants.some((t) => t.id === id)) throw notFound("tenant", id, "id");
        d.tenants = d.tenants.filter((t) => t.id !== id);
        d.keys = d.keys.filter((k) => k.tenant !== id);
      });
      await audit(p, "admin.tenant.delete", id);
      res.json({ id, object: "tenant", deleted: true });
    }),
  );
  return r;
}
