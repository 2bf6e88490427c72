import { Counter, Histogram, type Registry } from "prom-client";

/**
 * Traffic-policy metrics, registered once per router registry (the app's `/metrics`) on first
 * use, so the router's metric list (metrics/metrics.ts) stays as it is.
 */
export function policyMetrics(registry: Registry) {
  let m = created.get(registry);
  if (!m) {
    m = build(registry);
    created.set(registry, m);
  }
  return m;
}

export type PolicyMetrics = ReturnType<typeof build>;

const created = new WeakMap<Registry, PolicyMetrics>();

function build(registry: Registry) {
  const registers = [registry];
  return {
    experimentRequests: new Counter({
      name: "llm_router_experiment_requests_total",
      help: "Requests routed by an experiment, by experiment, arm that answered and HTTP status",
      labelNames: ["experiment", "arm", "status"] as const,
      registers,
    }),
    experimentDuration: new Histogram({
      name: "llm_router_experiment_request_duration_seconds",
      help: "Request duration through the router of requests routed by an experiment, by arm",
      labelNames: ["experiment", "arm"] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    experimentTokens: new Counter({
      name: "llm_router_experiment_tokens_total",
      help: "Tokens of requests routed by an experiment, by arm and type (prompt|completion)",
      labelNames: ["experiment", "arm", "type"] as const,
      registers,
    }),
    experimentCost: new Counter({
      name: "llm_router_experiment_cost_usd_total",
      help: "USD of requests routed by an experiment, by arm",
      labelNames: ["experiment", "arm"] as const,
      registers,
    }),
    diverted: new Counter({
      name: "llm_router_split_diverted_total",
      help: "Requests a split assigned to an arm that was down, cold or unable to serve them, sent to another arm",
      labelNames: ["split", "arm", "reason"] as const,
      registers,
    }),
    fallbacks: new Counter({
      name: "llm_router_fallbacks_total",
      help: "Requests moved down a declared fallback chain, by group left, group entered and condition",
      labelNames: ["from", "to", "condition"] as const,
      registers,
    }),
  };
}
