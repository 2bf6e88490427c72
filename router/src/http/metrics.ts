import type { RequestHandler } from "express";
import type { Generation } from "../forward/context.js";
import { circuitStateValue } from "../health/breaker.js";
import type { RouterMetrics } from "../metrics/metrics.js";

/** Refreshes the state gauges from the targets; called at scrape time, never per request. */
export function refreshGauges(metrics: RouterMetrics, gen: Generation): void {
  metrics.clusterHealth.reset();
  metrics.providerHealth.reset();
  metrics.clusterCost.reset();
  metrics.providerCost.reset();
  metrics.circuitState.reset();
  metrics.pendingDemand.reset();
  metrics.queueDepth.reset();
  for (const t of gen.targets.list) {
    if (!t.enabled) continue;
    const healthy = t.health() === "healthy" || t.health() === "unknown" ? 1 : 0;
    metrics.circuitState.set({ target: t.name }, circuitStateValue[t.breaker.state]);
    const c = t.cluster;
    if (c) {
      metrics.clusterHealth.set({ cluster: t.name, provider: c.provider, region: c.region }, healthy);
      metrics.clusterCost.set({ cluster: t.name }, t.costPer1K());
      if (c.scaleToZero) metrics.pendingDemand.set({ target: t.name }, t.demand.current());
      if (t.live.queueDepth !== undefined) metrics.queueDepth.set({ cluster: t.name }, t.live.queueDepth);
    } else {
      metrics.providerHealth.set({ provider: t.name }, healthy);
      const models = new Set(t.modelNames().map(([, upstream]) => upstream));
      for (const model of models) {
        const cost = t.costPer1K(model);
        if (Number.isFinite(cost)) metrics.providerCost.set({ provider: t.name, model }, cost);
      }
    }
  }
}

/** GET /metrics: Prometheus text from the router's own registry. */
export function metricsHandler(metrics: RouterMetrics, current: () => Generation): RequestHandler {
  return async (_req, res) => {
    refreshGauges(metrics, current());
    res.set("content-type", metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}
