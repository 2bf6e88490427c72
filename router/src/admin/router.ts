import { HttpError, parseBody } from "@llm/contracts";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { z } from "zod";
import type { AuditLog } from "../audit/log.js";
import type { TenantConfig } from "../tenants/config.js";
import type { TenantAccessGuard } from "../tenants/guard.js";
import type { UsageLedger } from "../usage/ledger.js";
import { managedEntryInput, type ProviderStore, ProviderStoreError } from "./provider-store.js";

export interface AdminRouterDeps {
  guard: TenantAccessGuard;
  ledger: UsageLedger;
  store: ProviderStore;
  /** Targets from the config file (read-only here), listed by GET /admin/providers. */
  configTargets: () => { name: string; kind: "cluster" | "external"; type: string; enabled: boolean }[];
  audit?: AuditLog;
  now?: () => number;
  /** GET /admin/experiments/{name}: the experiment's per-arm report (policies/experiment-stats.ts); undefined when unknown. */
  experiment?: (name: string) => Promise<unknown | undefined>;
}

const time = z
  .union([z.string().regex(/^\d+$/).transform(Number), z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((v) => (typeof v === "number" ? v : Date.parse(v)));

const usageQuery = z
  .object({
    from: time.optional(),
    to: time.optional(),
    groupBy: z.enum(["tenant", "target", "model"]).default("tenant"),
  })
  .strict();

/** Tenants without key hashes or secrets: ids, access lists, limits and budgets only. */
function publicTenants(tenants: readonly TenantConfig[]) {
  return tenants.map((t) => ({
    id: t.id,
    name: t.name ?? t.id,
    allowedModels: t.allowedModels ?? null,
    allowedTargets: t.allowedTargets ?? null,
    budgets: t.budgets ?? null,
    rateLimit: t.rateLimit ?? null,
    keys: t.keys.map((k) => ({
      id: k.id,
      allowedModels: k.allowedModels ?? null,
      allowedTargets: k.allowedTargets ?? null,
      budgets: k.budgets ?? null,
      rateLimit: k.rateLimit ?? null,
    })),
  }));
}

/** A managed entry as the API shows it: secrets replaced by `hasApiKey`/`hasSharedSecret`. */
function publicEntry(e: { kind: string; config: Record<string, unknown> }) {
  const { apiKey, sharedSecret, ...rest } = e.config;
  return {
    kind: e.kind,
    source: "admin",
    ...rest,
    enabled: rest.enabled ?? true,
    hasApiKey: apiKey !== undefined,
    ...(e.kind === "cluster" ? { hasSharedSecret: sharedSecret !== undefined } : {}),
  };
}

/**
 * The admin API, mounted by the app through `extraRouters`. Every route needs the admin key
 * (`Authorization: Bearer`); without a configured admin key the API answers 403 to everyone.
 */
export function createAdminRouter(deps: AdminRouterDeps): Router {
  const r = express.Router();
  const audit = (req: Request, action: string, target?: string, details?: Record<string, unknown>) =>
    deps.audit?.write({ action, actor: "admin", target, outcome: "ok", details: { ip: req.ip, ...details } });

  r.use("/admin", (req: Request, _res: Response, next: NextFunction) => {
    if (!deps.guard.adminConfigured)
      return next(
        new HttpError(403, "The admin API is disabled: configure admin.keyHash", { code: "admin_disabled" }),
      );
    if (!deps.guard.isAdminRequest(req)) {
      void deps.audit?.write({
        action: "admin.auth_failed",
        actor: "unknown",
        outcome: "denied",
        details: { path: req.path },
      });
      return next(new HttpError(401, "A valid admin API key is required", { code: "invalid_api_key" }));
    }
    next();
  });

  r.get("/admin/usage", async (req, res, next) => {
    try {
      const q = parseBody(usageQuery, req.query);
      const now = (deps.now ?? Date.now)();
      const to = q.to ?? now;
      const from = q.from ?? to - 86_400_000;
      if (!(from < to))
        throw new HttpError(400, "from must be before to", { param: "from", code: "invalid_range" });
      res.json(await deps.ledger.query({ from, to, groupBy: q.groupBy }));
    } catch (err) {
      next(err);
    }
  });

  r.get("/admin/experiments/:name", async (req, res, next) => {
    try {
      const report = await deps.experiment?.(String(req.params.name));
      if (!report)
        throw new HttpError(404, `Unknown experiment "${req.params.name}"`, { code: "experiment_not_found" });
      res.json(report);
    } catch (err) {
      next(err);
    }
  });

  r.get("/admin/tenants", (_req, res) => {
    res.json({ object: "list", data: publicTenants(deps.guard.listTenants()) });
  });

  r.get("/admin/budgets", async (_req, res, next) => {
    try {
      res.json({ object: "list", data: await deps.guard.budgets() });
    } catch (err) {
      next(err);
    }
  });

  r.get("/admin/providers", (_req, res) => {
    const managed = new Set(deps.store.list().map((e) => e.config.name));
    const fromConfig = deps
      .configTargets()
      .filter((t) => !managed.has(t.name))
      .map((t) => ({ ...t, source: "config" }));
    res.json({ object: "list", data: [...fromConfig, ...deps.store.list().map(publicEntry)] });
  });

  const handle =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        await fn(req, res);
      } catch (err) {
        if (err instanceof ProviderStoreError)
          return next(new HttpError(err.status, err.message, { param: err.param, code: "invalid_provider" }));
        next(err);
      }
    };
  const name = (req: Request) => String(req.params.name);

  r.post(
    "/admin/providers",
    handle(async (req, res) => {
      const entry = parseBody(managedEntryInput, req.body);
      await deps.store.create(entry);
      await audit(req, "admin.provider.create", entry.config.name, { kind: entry.kind });
      res.status(201).json(publicEntry(deps.store.get(entry.config.name)!));
    }),
  );
  r.put(
    "/admin/providers/:name",
    handle(async (req, res) => {
      const entry = parseBody(managedEntryInput, { name: name(req), ...req.body });
      await deps.store.update(name(req), entry);
      await audit(req, "admin.provider.update", name(req));
      res.json(publicEntry(deps.store.get(name(req))!));
    }),
  );
  r.delete(
    "/admin/providers/:name",
    handle(async (req, res) => {
      await deps.store.remove(name(req));
      await audit(req, "admin.provider.delete", name(req));
      res.json({ id: name(req), object: "provider", deleted: true });
    }),
  );
  for (const [verb, enabled] of [
    ["disable", false],
    ["enable", true],
  ] as const)
    r.post(
      `/admin/providers/:name/${verb}`,
      handle(async (req, res) => {
        await deps.store.setEnabled(name(req), enabled);
        await audit(req, `admin.provider.${verb}`, name(req));
        res.json(publicEntry(deps.store.get(name(req))!));
      }),
    );

  r.get(
    "/admin/state/export",
    handle(async (req, res) => {
      const state = deps.store.exportState();
      await audit(req, "admin.state.export");
      res.json(state);
    }),
  );
  r.post(
    "/admin/state/import",
    handle(async (req, res) => {
      if (!req.body || typeof req.body !== "object")
        throw new HttpError(400, "body must be an exported state object", {
          param: null,
          code: "invalid_state",
        });
      const count = await deps.store.importState(req.body);
      await audit(req, "admin.state.import", undefined, { providers: count });
      res.json({ imported: count });
    }),
  );
  return r;
}
