import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { HttpError } from "@llm/contracts";
import express, { type Express, type Router } from "express";
import pino, { type Logger } from "pino";
import type { Registry } from "prom-client";
import { ResponseCache } from "./cache/response-cache.js";
import type { RouterConfig } from "./config/schema.js";
import { EventBus } from "./events/bus.js";
import { TargetWatcher } from "./events/target-watch.js";
import type { ForwardDeps, Generation } from "./forward/context.js";
import { HealthPoller } from "./health/poller.js";
import { probesRouter } from "./health-endpoints/probes.js";
import { jsonBody, parseByteSize } from "./http/body.js";
import { applyCors } from "./http/cors.js";
import { errorHandler, sendError } from "./http/errors.js";
import { healthHandler } from "./http/health.js";
import { createInferenceEndpoint, INFERENCE_PATHS } from "./http/inference.js";
import { metricsHandler } from "./http/metrics.js";
import { modelsHandlers } from "./http/models.js";
import { stampResponse } from "./http/request-id.js";
import { createCountTokensEndpoint } from "./inbound/messages/count-tokens.js";
import { createResponsesRouter } from "./inbound/responses/endpoint.js";
import { createRouterMetrics, type RouterMetrics } from "./metrics/metrics.js";
import { createPriceTable } from "./pricing/table.js";
import type { PriceTable } from "./pricing/types.js";
import { type AdapterRegistry, defaultRegistry } from "./providers/registry.js";
import { createScaling } from "./scaling/scaling.js";
import { MemoryKeyValue } from "./state/memory-key-value.js";
import type { StateStore } from "./state/types.js";
import { TargetSet } from "./targets/set.js";
import type { Target } from "./targets/target.js";
import { createOpenGuard } from "./tenants/open-guard.js";
import type { AccessGuard } from "./tenants/types.js";
import { createUiRouter } from "./ui/router.js";
import { noopUsageSink } from "./usage/noop-sink.js";
import type { UsageSink } from "./usage/types.js";

export interface RouterDeps {
  /** Validated config (see loadConfigFile / parseConfig). */
  config: RouterConfig;
  /** Authentication, limits and budgets. Defaults to an open guard (no keys; warns once). */
  guard?: AccessGuard;
  /** Where usage records go. Defaults to a no-op sink. */
  usage?: UsageSink;
  /** Target type -> adapter factory. Defaults to `defaultRegistry`. */
  registry?: AdapterRegistry;
  /** External model prices. Defaults to the built-in table (`externalPrices`). */
  prices?: PriceTable;
  /** Clock for breakers, demand decay and latency. Defaults to Date.now. */
  clock?: () => number;
  /** Defaults to pino at `server.logLevel`. */
  logger?: Logger;
  /** Extra routers (admin API etc.), mounted after the OpenAI endpoints and before the 404 handler. */
  extraRouters?: Router[];
  /** prom-client registry for the router's metrics. Defaults to a new one. */
  metricsRegistry?: Registry;
  /** Shared state (Redis or memory); pending demand for /scaling is shared through it. Absent: per replica. */
  state?: StateStore;
  /** Poll cluster health in the background. Defaults to true. */
  healthPolling?: boolean;
  /** The event bus (decisions, failovers, target state; events/bus.ts). Defaults to a new one. */
  events?: EventBus;
  /**
   * Whether a tracer provider may be registered (the CLI passes its telemetry's `enabled`).
   * When false, requests without a `traceparent` skip span bookkeeping entirely (it would be a
   * no-op span). Defaults to true.
   */
  tracing?: boolean;
}

/** The router as a value: an express app that never listens, plus its lifecycle. */
export interface RouterApp {
  /** The express app (every route). */
  app: Express;
  /**
   * What to give `http.createServer`: the OpenAI POST endpoints go straight to the one inference
   * endpoint (skipping express's dispatch), everything else through `app`. Both behave the same.
   */
  handler: RequestListener;
  metrics: RouterMetrics;
  poller: HealthPoller;
  logger: Logger;
  /** The router's event bus: subscribe to decisions, failovers, alerts and target state changes. */
  events: EventBus;
  /** The running config. */
  config(): RouterConfig;
  targets(): readonly Target[];
  /** Swaps in a new (already validated) config; in-flight requests finish on the old one. */
  reload(config: RouterConfig): void;
  /** Marks the router draining: `/readyz` answers 503 while requests are still served. */
  drain(): void;
  /** Stops polling and closes every upstream pool (after in-flight requests on them end). */
  close(): Promise<void>;
}

/** Builds the router app. It never listens: server.ts does. */
export function createApp(deps: RouterDeps): RouterApp {
  const now = deps.clock ?? Date.now;
  const logger = deps.logger ?? pino({ level: deps.config.server.logLevel, name: "llm-router" });
  const registry = deps.registry ?? defaultRegistry;
  const prices = deps.prices ?? createPriceTable();
  const metrics = createRouterMetrics(deps.metricsRegistry);
  const createdAt = now();

  let gen: Generation = {
    config: deps.config,
    targets: TargetSet.build(deps.config, registry, prices, logger, undefined, now),
  };
  const current = () => gen;

  let guard = deps.guard;
  if (!guard) {
    guard = createOpenGuard();
    logger.warn("no tenants configured: the router accepts requests without an API key");
  }
  const events =
    deps.events ??
    new EventBus({
      onError: (err) => logger.warn({ err: (err as Error).message }, "event subscriber failed"),
    });
  const fwd: ForwardDeps = {
    current,
    events,
    guard,
    usage: deps.usage ?? noopUsageSink,
    metrics,
    logger,
    now,
    tracing: deps.tracing ?? true,
    // Thought signatures and thinking blocks kept across turns: shared like the cache, so the
    // next turn finds them whichever replica serves it.
    providerState: (deps.state?.kv ?? new MemoryKeyValue(now)).namespace("provider-state"),
    // Response-cache entries go where shared state goes: Redis across replicas, else this process.
    cache: new ResponseCache({
      kv: (deps.state?.kv ?? new MemoryKeyValue(now)).namespace("cache"),
      metrics,
      logger,
      now,
      settings: () => gen.config.router.cache,
    }),
  };

  const poller = new HealthPoller({
    targets: () => gen.targets.list,
    intervalMs: deps.config.router.healthCheckInterval,
    timeoutMs: deps.config.router.healthCheckTimeout,
    logger,
    now,
  });
  if (deps.healthPolling ?? true) poller.start();
  const watcher = new TargetWatcher(() => gen.targets.list, events, now);
  watcher.start();

  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  const bodyLimit = parseByteSize(deps.config.server.bodyLimit);
  const inference = createInferenceEndpoint(fwd, bodyLimit);
  // CORS before everything (server.cors; off by default), so refusals and streams carry it too.
  app.use((req, res, next) => {
    if (!applyCors(gen.config.server.cors, req, res)) next();
  });
  // The inference endpoints first: they stamp their headers and read their body themselves.
  for (const [path, kind] of INFERENCE_PATHS) app.post(path, (req, res) => inference(kind, req, res));
  // Anthropic's token count: routed like /v1/messages, never charged (inbound/messages/count-tokens.ts).
  app.post("/v1/messages/count_tokens", createCountTokensEndpoint(fwd, bodyLimit));
  // /v1/responses: POST on the same pipeline after its stored-conversation lookup; GET/DELETE stored ones.
  app.use(createResponsesRouter({ fwd, bodyLimit, kv: deps.state?.kv }));
  app.use((req, res, next) => {
    stampResponse(req, res);
    next();
  });
  app.use(jsonBody(bodyLimit));
  const models = modelsHandlers(current, guard, createdAt);
  app.get("/v1/models", models.list);
  app.get("/v1/models/*id", models.retrieve); // ids may contain "/" (org/name)
  app.get("/health", healthHandler(current, now));
  app.get("/metrics", metricsHandler(metrics, current));
  const scaling = createScaling({ current, kv: deps.state?.kv, registry: metrics.registry, now, logger });
  const drainState = { draining: false };
  app.use(probesRouter(drainState), scaling.router); // /livez, /readyz, /scaling/:target (bearer when ROUTER_SCALING_TOKEN is set)
  app.use(createUiRouter({ logger })); // GET /ui: the console (static; its data comes from the APIs)
  // After the OpenAI routes, so inference requests never walk the admin router's table.
  for (const r of deps.extraRouters ?? []) app.use(r);
  app.use((req, res) =>
    sendError(res, new HttpError(404, `Unknown route ${req.method} ${req.path}`), logger),
  );
  app.use(errorHandler(logger));

  // The same inference endpoint as the express routes above, reached without express's dispatch.
  const handler: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    const kind = req.method === "POST" && req.url !== undefined ? INFERENCE_PATHS.get(req.url) : undefined;
    if (kind) {
      if (!applyCors(gen.config.server.cors, req, res)) inference(kind, req, res);
    } else app(req, res);
  };

  return {
    app,
    handler,
    metrics,
    poller,
    logger,
    events,
    config: () => gen.config,
    targets: () => gen.targets.list,
    drain() {
      drainState.draining = true;
    },
    reload(config) {
      const targets = TargetSet.build(config, registry, prices, logger, gen.targets, now);
      gen = { config, targets };
      poller.configure(config.router.healthCheckInterval, config.router.healthCheckTimeout);
      void poller.pollAll();
    },
    async close() {
      watcher.stop();
      events.close();
      await fwd.cache?.close();
      await scaling.close();
      await poller.close();
      gen.targets.close();
      await guard.close?.();
    },
  };
}
