import { HttpError, parseBody } from "@llm/contracts";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { z } from "zod";
import type { AuditLog } from "../audit/log.js";
import type { EventBus } from "../events/bus.js";
import type { StateStore } from "../state/types.js";
import type { Target } from "../targets/target.js";
import type { TenantConfig } from "../tenants/config.js";
import type { TenantAccessGuard } from "../tenants/guard.js";
import type { UsageLedger } from "../usage/ledger.js";
import type { AccessStore } from "./access-store.js";
import { analyticsQuery, analyticsReport } from "./analytics.js";
import { eventsRoute } from "./events-route.js";
import { notFound, principalOf } from "./http.js";
import type { KeyUsage } from "./key-usage.js";
import { keysRoutes } from "./keys-routes.js";
import type { OidcVerifier } from "./oidc.js";
import { type Principal, requireRole, resolvePrincipal, tenantScope } from "./principal.js";
import { managedEntryInput, type ProviderStore, ProviderStoreError } from "./provider-store.js";
import { testProvider } from "./provider-test.js";
import { tenantsRoutes } from "./tenants-routes.js";

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
  /** API-made tenants and keys (keys-routes.ts, tenants-routes.ts). */
  access: AccessStore;
  /** The config file's tenants (read-only through the API). */
  yamlTenants: () => readonly TenantConfig[];
  /** Budget counters (key spend). */
  state: StateStore;
  keyUsage: KeyUsage;
  events: EventBus;
  /** The running targets (provider test). */
  targets: () => readonly Target[];
  /** OIDC bearer verification when `admin.oidc` is configured. */
  oidc?: () => OidcVerifier | undefined;
  /** SSE heartbeat interval (tests shorten it). Defaults to 15 s. */
  heartbeatMs?: number;
}

/** Paths a `user` key may call (everything else: 401, a user key is no admin credential). */
const USER_PATHS = new Set(["/me", "/analytics", "/events"]);

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
 * The admin API, mounted by the app through `extraRouters` (router/README.md § Admin API). Every
 * route needs a bearer credential whose role allows it (principal.ts); without a configured admin
 * key or OIDC the API answers 403 to everyone.
 */
export function createAdminRouter(deps: AdminRouterDeps): Router {
  const r = express.Router();
  const now = deps.now ?? Date.now;
  const audit = (req: Request, action: string, target?: string, details?: Record<string, unknown>) =>
    deps.audit?.write({ action, actor: "admin", target, outcome: "ok", details: { ip: req.ip, ...details } });
  const only =
    (...roles: Principal["role"][]) =>
    (_req: Request, res: Response, next: NextFunction) => {
      try {
        requireRole(principalOf(res), ...roles);
        next();
      } catch (err) {
        next(err);
      }
    };

  // Who is calling (admin key, tenant key with its role, OIDC token); routes then check the role.
  r.use("/admin", async (req: Request, res: Response, next: NextFunction) => {
    if (!deps.guard.adminConfigured && !deps.oidc?.())
      return next(
        new HttpError(403, "The admin API is disabled: configure admin.keyHash", { code: "admin_disabled" }),
      );
    let p: Principal | undefined;
    try {
      p = await resolvePrincipal(req, { guard: deps.guard, oidc: deps.oidc, now });
    } catch (err) {
      return next(err);
    }
    if (!p || (p.role === "user" && !USER_PATHS.has(req.path))) {
      void deps.audit?.write({
        action: "admin.auth_failed",
        actor: p?.keyId ?? "unknown",
        outcome: "denied",
        details: { path: req.path },
      });
      return next(new HttpError(401, "A valid admin API key is required", { code: "invalid_api_key" }));
    }
    res.locals.principal = p;
    next();
  });

  r.get("/admin/me", (_req, res) => {
    const p = principalOf(res);
    res.json({ role: p.role, tenant: p.tenant, keyId: p.keyId, via: p.via });
  });

  r.get("/admin/analytics", async (req, res, next) => {
    try {
      const q = parseBody(analyticsQuery, req.query);
      const t = now();
      const to = q.to ?? t;
      const from = q.from ?? to - 86_400_000;
      if (!(from < to))
        throw new HttpError(400, "from must be before to", { param: "from", code: "invalid_range" });
      const tenant = tenantScope(principalOf(res), q.tenant);
      res.json(await analyticsReport(deps.ledger, { from, to, groupBy: q.groupBy, tenant }, t));
    } catch (err) {
      next(err);
    }
  });

  r.use(eventsRoute({ events: deps.events, heartbeatMs: deps.heartbeatMs }));
  r.use(
    keysRoutes({
      access: deps.access,
      yamlTenants: deps.yamlTenants,
      state: deps.state,
      usage: deps.keyUsage,
      audit: deps.audit,
      now,
    }),
  );
  r.use(
    tenantsRoutes({
      access: deps.access,
      yamlTenants: deps.yamlTenants,
      running: () => deps.guard.listTenants(),
      audit: deps.audit,
      now,
    }),
  );

  r.get("/admin/budgets", async (_req, res, next) => {
    try {
      const scope = tenantScope(principalOf(res), undefined);
      const all = await deps.guard.budgets();
      res.json({ object: "list", data: all.filter((b) => scope === undefined || b.tenantId === scope) });
    } catch (err) {
      next(err);
    }
  });

  // Everything below is the whole router's (usage, experiments, providers, state): admin and viewer
  // read it, only admin changes it.
  r.use("/admin", only("admin", "viewer"));
  r.use("/admin", (req, res, next) => (req.method === "GET" ? next() : only("admin")(req, res, next)));
  r.get("/admin/state/export", only("admin"));

  r.get("/admin/usage", async (req, res, next) => {
    try {
      const q = parseBody(usageQuery, req.query);
      const to = q.to ?? now();
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
    "/admin/providers/:name/test",
    handle(async (req, res) => {
      const t = deps.targets().find((x) => x.name === name(req));
      if (!t) throw notFound("target", name(req), "name");
      const result = await testProvider(t);
      await audit(req, "admin.provider.test", t.name, { ok: result.ok });
      res.json(result);
    }),
  );

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
