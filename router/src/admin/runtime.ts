import type { Router } from "express";
import { Redis } from "ioredis";
import pino from "pino";
import { Registry } from "prom-client";
import type { RouterApp } from "../app.js";
import { type AuditLog, FileAuditLog } from "../audit/log.js";
import type { RouterConfig } from "../config/schema.js";
import { loadStateKey, SecretBox } from "../secrets/box.js";
import { MemoryStateStore } from "../state/memory.js";
import { RedisStateStore } from "../state/redis.js";
import type { StateStore } from "../state/types.js";
import { createAccessGuard, type GuardLogger, type TenantAccessGuard } from "../tenants/guard.js";
import { UsageLedger } from "../usage/ledger.js";
import { type ManagedTargets, ProviderStore } from "./provider-store.js";
import { createAdminRouter } from "./router.js";

export interface AccessRuntimeOptions {
  logger?: GuardLogger;
  /** Environment for ROUTER_STATE_KEY. Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** prom-client registry shared with the app's /metrics. Defaults to a new one. */
  metricsRegistry?: Registry;
  now?: () => number;
}

/** Everything tenants/usage/admin add to the router, built from one config. */
export interface AccessRuntime {
  guard: TenantAccessGuard;
  ledger: UsageLedger;
  store: ProviderStore;
  state: StateStore;
  /** Spread into createApp/startRouter: guard, usage, extraRouters, metricsRegistry. */
  deps: { guard: TenantAccessGuard; usage: UsageLedger; extraRouters: Router[]; metricsRegistry: Registry };
  /**
   * Connects admin-managed providers to a running app: they are merged into every config the
   * app reloads (file changes, SIGHUP) and applied at once when the admin API changes them.
   */
  attach(app: RouterApp): void;
  close(): Promise<void>;
}

/** Appends managed targets to a config; a managed name equal to a config one is ignored (config wins). */
export function mergeManaged(config: RouterConfig, managed: ManagedTargets): RouterConfig {
  const taken = new Set([
    ...config.clusters.map((c) => c.name),
    ...config.externalProviders.map((p) => p.name),
  ]);
  return {
    ...config,
    clusters: [...config.clusters, ...managed.clusters.filter((c) => !taken.has(c.name))],
    externalProviders: [
      ...config.externalProviders,
      ...managed.externalProviders.filter((p) => !taken.has(p.name)),
    ],
  };
}

/**
 * Builds the access guard (tenants, limits, budgets; Redis-backed when `state.redis` is set),
 * the usage ledger (with per-tenant metrics), the provider store (state file, encrypted keys)
 * and the admin router, and loads persisted providers.
 */
export async function createAccessRuntime(
  config: RouterConfig,
  opts: AccessRuntimeOptions = {},
): Promise<AccessRuntime> {
  const logger = opts.logger ?? pino({ level: config.server.logLevel, name: "llm-router" });
  const metricsRegistry = opts.metricsRegistry ?? new Registry();
  const redisCfg = config.state?.redis;
  const redis = redisCfg ? new Redis(redisCfg.url, { maxRetriesPerRequest: 2 }) : undefined;
  // Without a listener ioredis prints every reconnect failure as an unhandled error; log it once per message instead.
  let lastRedisError = "";
  redis?.on("error", (err: Error) => {
    if (err.message === lastRedisError) return;
    lastRedisError = err.message;
    logger.warn(
      { event: "state.redis_error", error: err.message },
      "redis state store error; limits fail closed",
    );
  });
  const state: StateStore = redis
    ? new RedisStateStore({ url: redisCfg!.url, keyPrefix: redisCfg!.keyPrefix, client: redis })
    : new MemoryStateStore(opts.now);
  const audit: AuditLog | undefined = config.admin?.auditLog
    ? new FileAuditLog(config.admin.auditLog)
    : undefined;
  const guard = createAccessGuard({
    tenants: config.tenants ?? [],
    admin: config.admin,
    providers: config.externalProviders,
    store: state,
    logger,
    audit,
    now: opts.now,
  });
  const ledger = new UsageLedger({
    maxRecords: config.state?.ledger?.maxRecords,
    registry: metricsRegistry,
    redis: redis ? { client: redis, keyPrefix: redisCfg?.keyPrefix } : undefined,
  });
  const key = loadStateKey({ env: opts.env, file: config.admin?.stateKeyFile });
  if (config.admin?.stateFile && !key)
    logger.warn(
      { event: "admin.state_key_missing" },
      "admin.stateFile is set but ROUTER_STATE_KEY is not: providers with API keys cannot be persisted",
    );

  let baseConfig = config;
  let apply: ((merged: RouterConfig) => void) | undefined;
  const store = new ProviderStore({
    file: config.admin?.stateFile,
    box: key ? new SecretBox(key) : undefined,
    reserved: () =>
      new Set([
        ...baseConfig.clusters.map((c) => c.name),
        ...baseConfig.externalProviders.map((p) => p.name),
      ]),
    onChange: (managed) => {
      const merged = mergeManaged(baseConfig, managed);
      guard.setProviders(merged.externalProviders);
      apply?.(merged);
    },
  });
  await store.load();
  guard.setProviders(mergeManaged(config, store.targets()).externalProviders);

  let currentApp: RouterApp | undefined;
  const adminRouter = createAdminRouter({
    guard,
    ledger,
    store,
    audit,
    now: opts.now,
    configTargets: () =>
      (currentApp?.targets() ?? [])
        .filter(
          (t) =>
            baseConfig.clusters.some((c) => c.name === t.name) ||
            baseConfig.externalProviders.some((p) => p.name === t.name),
        )
        .map((t) => ({ name: t.name, kind: t.kind, type: t.type, enabled: t.enabled })),
  });

  return {
    guard,
    ledger,
    store,
    state,
    deps: { guard, usage: ledger, extraRouters: [adminRouter], metricsRegistry },
    attach(app) {
      currentApp = app;
      const reload = app.reload.bind(app);
      apply = reload;
      // Config file reloads replace the base; managed providers are merged back in.
      app.reload = (next) => {
        baseConfig = next;
        guard.setTenants(next.tenants ?? [], next.admin);
        const merged = mergeManaged(next, store.targets());
        guard.setProviders(merged.externalProviders);
        reload(merged);
      };
      if (store.list().length > 0) reload(mergeManaged(baseConfig, store.targets()));
    },
    async close() {
      await audit?.close();
      await state.close();
      redis?.disconnect();
    },
  };
}
