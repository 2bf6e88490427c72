import { Gauge, type Registry } from "prom-client";
import type { Target } from "../targets/target.js";

/** Name of the gauge: 1 while a scale-to-zero target is cold, 0 while it is warm. */
export const TARGET_COLD_METRIC = "llm_router_target_cold";

/**
 * Registers `llm_router_target_cold{target}` beside `llm_router_pending_demand`, read at scrape
 * time. Together they let an alert say "demand is waiting and the pool is still cold" from the
 * router's own series, without joining GPU replica counts from another cluster.
 */
export function registerColdGauge(registry: Registry, targets: () => readonly Target[]): Gauge<"target"> {
  return new Gauge({
    name: TARGET_COLD_METRIC,
    help: "1 while a scale-to-zero target is cold (no ready replica), 0 while it is warm",
    labelNames: ["target"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const t of targets()) this.set({ target: t.name }, t.isCold() ? 1 : 0);
    },
  });
}
