import { parseConfig, type RouterConfig } from "@llm/router";
import type { SavingsScenario, StrategyName } from "../scenario/schema.js";
import { CLUSTER_MODEL, type Fleet } from "./fleet.js";

/** Real milliseconds of `minutes` simulated minutes in the compressed day. */
export function simMinutesToMs(s: SavingsScenario, minutes: number): number {
  return (minutes / 60 / s.simulatedHours) * s.durationMs;
}

/** Tick of the KEDA stand-in in real ms: 1/400 of the day, within 5..50 ms. */
export function autoscalerTickMs(s: SavingsScenario): number {
  return Math.max(5, Math.min(50, s.durationMs / 400));
}

/**
 * The router config of one run, through the router's own schema: the fleet's clusters and
 * externals, the strategy, and the router's timers compressed like the trace (health polls,
 * breaker cool-down and demand half-life are minutes of simulated time).
 */
export function routerConfigFor(
  s: SavingsScenario,
  fleet: Fleet,
  strategy: StrategyName,
  opts: { withClusters: boolean },
): RouterConfig {
  const ms = (v: number) => `${Math.max(1, Math.round(v))}ms`;
  return parseConfig(
    {
      server: { host: "127.0.0.1", port: 0, logLevel: "silent", shutdownGrace: "1s" },
      router: {
        routingStrategy: strategy,
        healthCheckInterval: ms(Math.min(200, Math.max(20, s.durationMs / 100))),
        healthCheckTimeout: "500ms",
        // Ten simulated minutes, but never shorter than three autoscaler ticks, or the signal
        // could decay between two reads (KEDA polls every 30 s against a 60 s half-life).
        pendingDemandHalfLife: ms(Math.max(simMinutesToMs(s, 10), 3 * autoscalerTickMs(s))),
        // The router weighs a wake-up as node $/h × these minutes: the same warm-up + cool-down the
        // KEDA stand-in bills (analysis/node-hours.ts), so its wake rule and the bill agree.
        wakeUpWarmMinutes: Math.max(
          1,
          ...s.clusters.filter((c) => c.scaleToZero).map((c) => c.coldStartMinutes + c.scaleDownAfterMinutes),
        ),
        maxRetries: 2,
        circuitBreaker: { failureThreshold: 3, openDuration: ms(simMinutesToMs(s, 5)), halfOpenRequests: 1 },
      },
      clusters: opts.withClusters
        ? fleet.clusters.map((c) => ({
            name: c.spec.name,
            endpoint: c.server.origin,
            provider: "fake",
            region: "local",
            pool: c.spec.pool,
            costPerHour: c.spec.costPerHour,
            models: [CLUSTER_MODEL],
            scaleToZero: c.spec.scaleToZero,
          }))
        : [],
      externalProviders: fleet.externals.map((e) => ({
        name: e.spec.name,
        type: "openai",
        apiKey: `sk-fake-${e.spec.name}`,
        baseURL: e.server.baseURL,
        defaultModel: e.spec.model,
        models: [e.spec.model],
        pricing: { [e.spec.model]: { input: e.spec.inputPer1M, output: e.spec.outputPer1M } },
      })),
    },
    {},
    "savings scenario",
  );
}
