import type { Router } from "express";
import { Redis } from "ioredis";
import pino from "pino";
import { Registry } from "prom-client";
import { mergeManaged } from "./admin/merge-managed.js";
import { AdminParts } from "./admin/parts.js";
import { ProviderStore } from "./admin/provider-store.js";
import { createAdminRouter } from "./admin/router.js";
import { createApp, type RouterApp, type RouterDeps } from "./app.js";
import { type AuditLog, FileAuditLog } from "./audit/log.js";
import type { RouterConfig } from "./config/schema.js";
import { EventBus } from "./events/bus.js";
import { policiesOf } from "./policies/compile.js";
import { ExperimentClock } from "./policies/experiment-clock.js";
import { ExperimentStats, withExperimentStats } from "./policies/experiment-stats.js";
import { loadStateKey, SecretBox } from "./secrets/box.js";
import { MemoryStateStore } from "./state/memory.js";
import { RedisStateStore } from "./state/redis.js";
import type { StateStore } from "./state/types.js";
import type { Target } from "./targets/target.js";
import type { AlertSink } from "./tenants/alerts.js";
import { createAccessGuard, type GuardLogger, type TenantAccessGuard } from "./tenants/guard.js";
import { UsageLedger } from "./usage/ledger.js";
import { WebhookDispatcher } from "./webhooks/dispatcher.js";

/** How to build a router besides its config. Every field is optional. */
export interface CreateRouterOptions extends Omit<RouterDeps, "config"> {
  /**
   * Environment for ROUTER_STATE_KEY (the admin state file's encryption key). Defaults to process.env.
   */
  env?: NodeJS.ProcessEnv;
}

/**
 * Tenants, usage and admin as the config declares them: the access guard (keys, limits, budgets;
 * Redis-backed when `state.redis` is set), the usage ledger, the admin-managed provider store and
 * the admin API.
 */
export interface RouterAccess {
  guard: TenantAccessGuard;
  ledger: UsageLedger;
  store: ProviderStore;
  state: StateStore;
  /** The admin API (`/admin/*`), mounted by the app after the OpenAI endpoints. */
  adminRouter: Router;
  /** Per-arm experiment counters from the usage records, in the state store (shared by replicas with Redis). */
  experiments: ExperimentStats;
  /**
   * Makes `config` the base config: applies its tenants and admin key to the guard and returns it
   * with the admin-managed providers merged in (what the app should run on).
   */
  apply(config: RouterConfig): RouterConfig;
  close(): Promise<void>;
}

/** The router as `createRouter` builds it: the app, plus what it composed around it. */
export interface LlmRouter extends RouterApp {
  /** Tenants, usage ledger, provider store and admin API; absent when the caller brought its own guard. */
  readonly access?: RouterAccess;
  /** Decision webhooks and budget alert webhooks (webhooks/); absent when the caller brought its own guard. */
  readonly webhooks?: WebhookDispatcher;
  /** Publishes `experiment_end` once per experiment (policies/experiment-clock.ts). */
  readonly experimentClock?: ExperimentClock;
  /** Swaps in a new config file's contents, keeping admin-managed providers and applying new tenants. */
  reload(config: RouterConfig): void;
  /** Closes the app, then the state store, Redis and the audit log. */
  close(): Promise<void>;
}

/**
 * The one way to build a router (the CLI, `startRouter`, the local stack, benches and tests):
 * access guard, usage ledger, admin API and admin-managed providers from `config`, composed with
 * the app so that a reload (file change, SIGHUP) and an admin change both produce the config
 * file's targets plus the managed ones. It never listens (`startRouter` does).
 *
 * A caller that passes `options.guard` brings its own access: nothing is built from the config's
 * tenants/admin sections and `reload` is the app's.
 */
export async function createRouter(
  config: RouterConfig,
  options: CreateRouterOptions = {},
): Promise<LlmRouter> {
  if (options.guard) return createApp({ ...options, config });
  const logger = options.logger ?? pino({ level: config.server.logLevel, name: "llm-router" });
  const metricsRegistry = options.metricsRegistry ?? new Registry();
  // Webhooks and budget alert POSTs go out from bounded queues, never from a request's path.
  const webhooks = new WebhookDispatcher({ registry: metricsRegistry, logger });
  webhooks.configure(config.webhooks);
  // One bus for the app (decisions) and the access part (budget alerts, the admin event stream).
  const events =
    options.events ??
    new EventBus({
      onError: (err) => logger.warn({ err: (err as Error).message }, "event subscriber failed"),
    });
  let app: RouterApp | undefined;
  const access = await createRouterAccess(config, {
    logger,
    env: options.env,
    metricsRegistry,
    events,
    now: options.clock,
    alerts: webhooks.alertSink,
    // An admin change applies at once: the app rebuilds its targets from the merged config.
    onManagedChange: (merged) => app?.reload(merged),
    targets: () => app?.targets() ?? [],
  });
  const built = createApp({
    ...options,
    config: access.apply(config),
    logger,
    metricsRegistry,
    events,
    guard: access.guard,
    // Records that carry an experiment also feed its metrics and shared counters (policies/).
    usage: withExperimentStats(access.ledger, access.experiments, metricsRegistry, (err) =>
      logger.warn({ err: (err as Error).message }, "experiment counters not written"),
    ),
    // Pending demand is shared through the state store only when replicas share one (Redis);
    // a caller's own store wins.
    state: options.state ?? (config.state?.redis ? access.state : undefined),
    extraRouters: [...(options.extraRouters ?? []), access.adminRouter],
  });
  app = built;
  // Every event the router publishes (decisions, failovers, fallbacks, alerts) reaches the webhooks' filters.
  webhooks.attach(built.events);
  const clock = new ExperimentClock({
    config: built.config,
    publish: (e) => built.events.publish(e),
    kv: access.state.kv.namespace("experiments"),
    now: options.clock,
    onError: (err) => logger.warn({ err: (err as Error).message }, "experiment end not announced"),
  });
  return {
    ...built,
    access,
    webhooks,
    reload: (next) => {
      webhooks.configure(next.webhooks);
      built.reload(access.apply(next));
    },
    /** Announces ended experiments now (the clock does every second). */
    experimentClock: clock,
    async close() {
      clock.close();
      webhooks.close();
      await built.close();
      await access.close();
    },
  };
}

export interface RouterAccessOptions {
  logger: GuardLogger;
  env?: NodeJS.ProcessEnv;
  /** Registry for the ledger's per-tenant metrics (the app's /metrics). */
  metricsRegistry: Registry;
  /** The router's event bus (budget alerts; the admin event stream reads it). */
  events?: EventBus;
  now?: () => number;
  /** Called with the base config plus managed providers after every admin change. */
  onManagedChange: (merged: RouterConfig) => void;
  /** Where budget alerts are POSTed (the webhook queues). Defaults to an awaited POST (tenants/alerts.ts). */
  alerts?: AlertSink;
  /** The running targets (GET /admin/providers lists the config file's ones). */
  targets: () => readonly Target[];
}

/** Builds the access part of a router (see RouterAccess) and loads persisted admin-managed providers. */
export async function createRouterAccess(
  config: RouterConfig,
  opts: RouterAccessOptions,
): Promise<RouterAccess> {
  const { logger } = opts;
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
  const state: StateStore =
    redis && redisCfg
      ? new RedisStateStore({ url: redisCfg.url, keyPrefix: redisCfg.keyPrefix, client: redis })
      : new MemoryStateStore(opts.now);
  const audit: AuditLog | undefined = config.admin?.auditLog
    ? new FileAuditLog(config.admin.auditLog)
    : undefined;
  /** The config file's contents as last loaded (without managed providers). */
  let base = config;
  const now = opts.now ?? Date.now;
  const admin = new AdminParts({
    config,
    state,
    shared: redis !== undefined,
    base: () => base,
    applyTenants: (tenants, b) => guard.setTenants(tenants, b.admin),
    now,
    logger,
  });
  const guard = createAccessGuard({
    onKeyUse: (id) => admin.keyUsage.touch(id),
    tenants: config.tenants ?? [],
    admin: config.admin,
    providers: config.externalProviders,
    store: state,
    alerts: opts.alerts,
    logger,
    audit,
    events: opts.events,
    now: opts.now,
  });
  const ledger = new UsageLedger({
    maxRecords: config.state?.ledger?.maxRecords,
    registry: opts.metricsRegistry,
    redis: redis ? { client: redis, keyPrefix: redisCfg?.keyPrefix } : undefined,
  });
  const key = loadStateKey({ env: opts.env, file: config.admin?.stateKeyFile });
  if (config.admin?.stateFile && !key)
    logger.warn(
      { event: "admin.state_key_missing" },
      "admin.stateFile is set but ROUTER_STATE_KEY is not: providers with API keys cannot be persisted",
    );

  const isBaseTarget = (name: string) =>
    base.clusters.some((c) => c.name === name) || base.externalProviders.some((p) => p.name === name);
  const store = new ProviderStore({
    file: config.admin?.stateFile,
    shared: admin.file,
    box: key ? new SecretBox(key) : undefined,
    reserved: () =>
      new Set([...base.clusters.map((c) => c.name), ...base.externalProviders.map((p) => p.name)]),
    onChange: (managed) => {
      const merged = mergeManaged(base, managed);
      guard.setProviders(merged.externalProviders);
      opts.onManagedChange(merged);
    },
  });
  await store.load();
  await admin.start();

  const experiments = new ExperimentStats(state.kv.namespace("experiments"));
  const adminRouter = createAdminRouter({
    guard,
    ledger,
    store,
    audit,
    now: opts.now,
    access: admin.access,
    yamlTenants: () => base.tenants ?? [],
    state,
    keyUsage: admin.keyUsage,
    events: opts.events ?? new EventBus(),
    targets: opts.targets,
    oidc: () => admin.oidc(),
    experiment: (name) => {
      const e = policiesOf(base).byName.get(name);
      return e ? experiments.report(e, (opts.now ?? Date.now)()) : Promise.resolve(undefined);
    },
    configTargets: () =>
      opts
        .targets()
        .filter((t) => isBaseTarget(t.name))
        .map((t) => ({ name: t.name, kind: t.kind, type: t.type, enabled: t.enabled })),
  });

  return {
    guard,
    ledger,
    store,
    state,
    adminRouter,
    experiments,
    apply(next) {
      base = next;
      guard.setTenants(admin.tenants(next), next.admin);
      const merged = mergeManaged(next, store.targets());
      guard.setProviders(merged.externalProviders);
      return merged;
    },
    async close() {
      await admin.close();
      await audit?.close();
      await state.close();
      redis?.disconnect();
    },
  };
}
