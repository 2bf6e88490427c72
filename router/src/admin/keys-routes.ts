import { randomBytes } from "node:crypto";
import { HttpError, parseBody } from "@llm/contracts";
import express, { type Router } from "express";
import type { AuditLog } from "../audit/log.js";
import type { StateStore } from "../state/types.js";
import type { ApiKeyConfig, TenantConfig } from "../tenants/config.js";
import { budgetKey } from "../tenants/guard.js";
import { hashKey } from "../tenants/keys.js";
import { BUDGET_PERIODS } from "../tenants/limit-specs.js";
import { periodId } from "../tenants/periods.js";
import type { AccessStore } from "./access-store.js";
import { type ManagedKey, mintKeyInput, rotateKeyInput } from "./access-types.js";
import { handle, notFound, principalOf, readOnly } from "./http.js";
import type { KeyUsage } from "./key-usage.js";
import { type Principal, requireTenantAdmin, tenantScope } from "./principal.js";

export interface KeysRoutesDeps {
  access: AccessStore;
  /** The config file's tenants (their keys are listed read-only). */
  yamlTenants: () => readonly TenantConfig[];
  state: StateStore;
  usage: KeyUsage;
  audit?: AuditLog;
  now: () => number;
}

/** Minted keys: `sk-llm-` and 32 base64url characters (192 random bits). */
const newSecret = () => `sk-llm-${randomBytes(24).toString("base64url")}`;
const prefixOf = (key: string) => key.slice(0, 14);
const iso = (ms: number) => new Date(ms).toISOString();

type Row = {
  id: string;
  name: string | null;
  prefix: string | null;
  tenant: string;
  role: string;
  source: "admin" | "config";
  allowedModels: string[] | null;
  allowedTargets: string[] | null;
  budgets: ApiKeyConfig["budgets"] | null;
  rateLimit: ApiKeyConfig["rateLimit"] | null;
  createdAt: string | null;
  expiresAt: string | null;
  graceUntil: string | null;
};

const managedRow = (k: ManagedKey, now: number): Row => ({
  id: k.id,
  name: k.name ?? null,
  prefix: k.prefix,
  tenant: k.tenant,
  role: k.role,
  source: "admin",
  allowedModels: k.allowedModels ?? null,
  allowedTargets: k.allowedTargets ?? null,
  budgets: k.budgets ?? null,
  rateLimit: k.rateLimit ?? null,
  createdAt: k.createdAt,
  expiresAt: k.expiresAt ?? null,
  graceUntil:
    k.grace
      .map((g) => g.until)
      .filter((u) => Date.parse(u) > now)
      .sort()
      .at(-1) ?? null,
});

const yamlRow = (t: TenantConfig, k: ApiKeyConfig): Row => ({
  id: k.id,
  name: null,
  prefix: null,
  tenant: t.id,
  role: k.role ?? "user",
  source: "config",
  allowedModels: k.allowedModels ?? null,
  allowedTargets: k.allowedTargets ?? null,
  budgets: k.budgets ?? null,
  rateLimit: k.rateLimit ?? null,
  createdAt: null,
  expiresAt: k.expiresAt ?? null,
  graceUntil: null,
});

/** `/admin/keys`: mint, list, rotate, revoke (router/README.md § Admin API). */
export function keysRoutes(deps: KeysRoutesDeps): Router {
  const r = express.Router();
  const audit = (p: Principal, action: string, target: string, details: Record<string, unknown>) =>
    deps.audit?.write({
      action,
      actor: p.keyId,
      target,
      outcome: "ok",
      details: { role: p.role, ...details },
    });

  const rows = (): Row[] => {
    const now = deps.now();
    const yaml = deps.yamlTenants();
    const yamlIds = new Set(yaml.flatMap((t) => t.keys.map((k) => k.id)));
    return [
      ...yaml.flatMap((t) => t.keys.map((k) => yamlRow(t, k))),
      ...deps.access
        .current()
        .keys.filter((k) => !yamlIds.has(k.id))
        .map((k) => managedRow(k, now)),
    ];
  };

  /** Rows with spend (this period's budget counters) and last use. */
  const views = async (list: Row[]) => {
    const now = deps.now();
    const used = await deps.usage.lastUsed(list.map((k) => k.id));
    return Promise.all(
      list.map(async (k) => {
        const spend: Record<string, { period: string; spentUsd: number; limitUsd: number | null }> = {};
        for (const period of BUDGET_PERIODS) {
          const s = await deps.state.getBudget(budgetKey(`key:${k.id}`, period, now));
          const limit = period === "daily" ? k.budgets?.dailyUsd : k.budgets?.monthlyUsd;
          spend[period] = { period: periodId(period, now), spentUsd: s.spent, limitUsd: limit ?? null };
        }
        const last = used.get(k.id);
        return {
          object: "api_key",
          ...k,
          expired: k.expiresAt !== null && Date.parse(k.expiresAt) <= now,
          lastUsedAt: last === undefined ? null : iso(last),
          spend,
        };
      }),
    );
  };

  const tenantExists = (id: string) =>
    deps.yamlTenants().some((t) => t.id === id) || deps.access.current().tenants.some((t) => t.id === id);

  /** The minted key `id` after the caller's checks: 404 unknown, 409 a YAML key, 403 another tenant's. */
  const managedKey = (p: Principal, id: string): ManagedKey => {
    const row = rows().find((k) => k.id === id);
    if (!row) throw notFound("API key", id, "id");
    requireTenantAdmin(p, row.tenant);
    if (row.source === "config") throw readOnly("API key", id);
    return deps.access.current().keys.find((k) => k.id === id)!;
  };

  r.get(
    "/admin/keys",
    handle(async (req, res) => {
      const p = principalOf(res);
      const asked = typeof req.query.tenant === "string" ? req.query.tenant : undefined;
      const scope = tenantScope(p, asked);
      const list = rows().filter((k) => scope === undefined || k.tenant === scope);
      res.json({ object: "list", data: await views(list) });
    }),
  );

  r.post(
    "/admin/keys",
    handle(async (req, res) => {
      const p = principalOf(res);
      const body = parseBody(mintKeyInput, req.body ?? {});
      requireTenantAdmin(p, body.tenant);
      if (p.role !== "admin" && (body.role === "admin" || body.role === "viewer"))
        throw new HttpError(403, `A ${p.role} may not mint ${body.role} keys`, {
          code: "permission_denied",
          param: "role",
        });
      if (!tenantExists(body.tenant))
        throw new HttpError(404, `No tenant '${body.tenant}'`, { code: "not_found", param: "tenant" });
      const now = deps.now();
      const expires = body.expiresAt
        ? Date.parse(body.expiresAt)
        : body.expiresIn
          ? now + body.expiresIn
          : undefined;
      if (expires !== undefined && expires <= now)
        throw new HttpError(400, "The expiry must be in the future", { param: "expiresAt" });
      const key = newSecret();
      const { expiresIn: _in, expiresAt: _at, ...fields } = body;
      const record: ManagedKey = {
        ...fields,
        id: `key_${randomBytes(5).toString("hex")}`,
        prefix: prefixOf(key),
        hash: hashKey(key),
        createdAt: iso(now),
        ...(expires !== undefined ? { expiresAt: iso(expires) } : {}),
        grace: [],
      };
      await deps.access.update((d) => {
        d.keys.push(record);
      });
      await audit(p, "admin.key.mint", record.id, { tenant: record.tenant, keyRole: record.role });
      const [view] = await views([managedRow(record, now)]);
      res.status(201).json({ ...view, key });
    }),
  );

  r.post(
    "/admin/keys/:id/rotate",
    handle(async (req, res) => {
      const p = principalOf(res);
      const body = parseBody(rotateKeyInput, req.body ?? {});
      const old = managedKey(p, String(req.params.id));
      const now = deps.now();
      const graceMs = body.gracePeriod ?? (body.graceSeconds ?? 0) * 1000;
      const key = newSecret();
      let next: ManagedKey | undefined;
      await deps.access.update((d) => {
        const i = d.keys.findIndex((k) => k.id === old.id);
        if (i < 0) throw notFound("API key", old.id, "id");
        const cur = d.keys[i]!;
        const grace = cur.grace.filter((g) => Date.parse(g.until) > now);
        if (graceMs > 0) grace.push({ hash: cur.hash, prefix: cur.prefix, until: iso(now + graceMs) });
        next = { ...cur, hash: hashKey(key), prefix: prefixOf(key), grace };
        d.keys[i] = next;
      });
      await audit(p, "admin.key.rotate", old.id, { tenant: old.tenant, graceMs });
      const [view] = await views([managedRow(next!, now)]);
      res.json({ ...view, key });
    }),
  );

  r.delete(
    "/admin/keys/:id",
    handle(async (_req, res) => {
      const p = principalOf(res);
      const old = managedKey(p, String(_req.params.id));
      await deps.access.update((d) => {
        d.keys = d.keys.filter((k) => k.id !== old.id);
      });
      await audit(p, "admin.key.revoke", old.id, { tenant: old.tenant });
      res.json({ id: old.id, object: "api_key", deleted: true });
    }),
  );
  return r;
}
