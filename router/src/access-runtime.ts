import type { Router } from "express";
import pino from "pino";
import { Registry } from "prom-client";
import type { ProviderStore } from "./admin/provider-store.js";
import type { RouterApp } from "./app.js";
import type { RouterConfig } from "./config/schema.js";
import { createRouterAccess } from "./create-router.js";
import type { StateStore } from "./state/types.js";
import type { GuardLogger, TenantAccessGuard } from "./tenants/guard.js";
import type { UsageLedger } from "./usage/ledger.js";

export interface AccessRuntimeOptions {
  logger?: GuardLogger;
  /** Environment for ROUTER_STATE_KEY. Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** prom-client registry shared with the app's /metrics. Defaults to a new one. */
  metricsRegistry?: Registry;
  now?: () => number;
}

/** @deprecated The three-step start (`createAccessRuntime`, `startRouter({...deps})`, `attach`). */
export interface AccessRuntime {
  guard: TenantAccessGuard;
  ledger: UsageLedger;
  store: ProviderStore;
  state: StateStore;
  /** Spread into createApp/startRouter: guard, usage, extraRouters, metricsRegistry. */
  deps: { guard: TenantAccessGuard; usage: UsageLedger; extraRouters: Router[]; metricsRegistry: Registry };
  /** Replaces `app.reload` so reloads keep admin-managed providers; forgetting it drops them. */
  attach(app: RouterApp): void;
  close(): Promise<void>;
}

/**
 * @deprecated Use `createRouter(config, options)` (or `startRouter({ config })`), which composes
 * the same access around the app without `attach`. Kept only until scripts/ and bench/ switch
 * (they call `createAccessRuntime`, `startRouter({ ...access.deps })`, `access.attach(router)`).
 */
export async function createAccessRuntime(
  config: RouterConfig,
  opts: AccessRuntimeOptions = {},
): Promise<AccessRuntime> {
  const metricsRegistry = opts.metricsRegistry ?? new Registry();
  let raw: ((c: RouterConfig) => void) | undefined;
  let attached: RouterApp | undefined;
  const access = await createRouterAccess(config, {
    logger: opts.logger ?? pino({ level: config.server.logLevel, name: "llm-router" }),
    env: opts.env,
    metricsRegistry,
    now: opts.now,
    onManagedChange: (merged) => raw?.(merged),
    targets: () => attached?.targets() ?? [],
  });
  access.apply(config);
  const { guard, ledger, store, state } = access;
  return {
    guard,
    ledger,
    store,
    state,
    deps: { guard, usage: ledger, extraRouters: [access.adminRouter], metricsRegistry },
    attach(app) {
      attached = app;
      const reload = app.reload.bind(app);
      raw = reload;
      app.reload = (next) => reload(access.apply(next));
      if (store.list().length > 0) reload(access.apply(config));
    },
    close: () => access.close(),
  };
}
