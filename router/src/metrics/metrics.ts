import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The router's Prometheus metrics, on their own Registry (never the global one). */
export function createRouterMetrics(registry: Registry = new Registry()) {
  const r = [registry];
  return {
    registry,
    routingDecisions: new Counter({
      name: "llm_router_routing_decisions_total",
      help: "Routing decisions by chosen target, target type (cluster|external) and reason",
      labelNames: ["target", "type", "reason"] as const,
      registers: r,
    }),
    providerHealth: new Gauge({
      name: "llm_router_provider_health",
      help: "1 when the external provider is healthy (passive health), else 0",
      labelNames: ["provider"] as const,
      registers: r,
    }),
    clusterHealth: new Gauge({
      name: "llm_router_cluster_health",
      help: "1 when the cluster target is healthy, else 0",
      labelNames: ["cluster", "provider", "region"] as const,
      registers: r,
    }),
    providerCost: new Gauge({
      name: "llm_router_provider_cost_per_1k_tokens",
      help: "USD per 1K tokens of an external model (mean of input and output price)",
      labelNames: ["provider", "model"] as const,
      registers: r,
    }),
    clusterCost: new Gauge({
      name: "llm_router_cluster_cost_per_1k_tokens",
      help: "USD per 1K tokens of a cluster target, amortized at capacity (exporter, or cost per hour / capacity throughput)",
      labelNames: ["cluster"] as const,
      registers: r,
    }),
    requests: new Counter({
      name: "llm_router_requests_total",
      help: "Requests by target that answered (or none) and HTTP status",
      labelNames: ["target", "status"] as const,
      registers: r,
    }),
    duration: new Histogram({
      name: "llm_router_request_duration_seconds",
      help: "Request duration through the router, by target",
      labelNames: ["target"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: r,
    }),
    ttft: new Histogram({
      name: "llm_router_time_to_first_token_seconds",
      help: "Time from request to the first streamed chunk, by target",
      labelNames: ["target"] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: r,
    }),
    tokens: new Counter({
      name: "llm_router_tokens_total",
      help: "Tokens by target and type (prompt|completion)",
      labelNames: ["target", "type"] as const,
      registers: r,
    }),
    externalRequests: new Counter({
      name: "llm_router_external_requests_total",
      help: "Requests sent to external providers by provider, upstream model and status",
      labelNames: ["provider", "model", "status"] as const,
      registers: r,
    }),
    retries: new Counter({
      name: "llm_router_retries_total",
      help: "Failovers to another target after a failure before the first byte, by failed target",
      labelNames: ["target"] as const,
      registers: r,
    }),
    circuitState: new Gauge({
      name: "llm_router_circuit_state",
      help: "Circuit breaker state per target: 0 closed, 1 half-open, 2 open",
      labelNames: ["target"] as const,
      registers: r,
    }),
    cost: new Counter({
      name: "llm_router_cost_usd_total",
      help: "Estimated USD spent per target from reported token usage",
      labelNames: ["target"] as const,
      registers: r,
    }),
    toolRequests: new Counter({
      name: "llm_router_tool_requests_total",
      help: "Finished chat requests that offered tools, by the target that answered",
      labelNames: ["target"] as const,
      registers: r,
    }),
    toolCalls: new Counter({
      name: "llm_router_tool_calls_total",
      help: "Tool calls in answers (message.tool_calls entries; a streamed call counts once), by target",
      labelNames: ["target"] as const,
      registers: r,
    }),
    pendingDemand: new Gauge({
      name: "llm_router_pending_demand",
      help: "Decaying count of requests that would have preferred a cold target (KEDA wakes it on this)",
      labelNames: ["target"] as const,
      registers: r,
    }),
    cacheRequests: new Counter({
      name: "llm_router_cache_requests_total",
      help: "Routed requests by what the response cache did: hit, semantic-hit, miss, bypass",
      labelNames: ["result"] as const,
      registers: r,
    }),
    cacheSaved: new Counter({
      name: "llm_router_cache_saved_usd_total",
      help: "USD the response cache saved: what the stored answers cost to produce, minus what hits were charged",
      registers: r,
    }),
    cacheErrors: new Counter({
      name: "llm_router_cache_errors_total",
      help: "Response-cache operations that failed (store outage, embeddings target down) and were skipped, by operation",
      labelNames: ["operation"] as const,
      registers: r,
    }),
    queueDepth: new Gauge({
      name: "llm_router_cluster_queue_depth",
      help: "Queue depth last reported by the cluster target's runtime",
      labelNames: ["cluster"] as const,
      registers: r,
    }),
  };
}

export type RouterMetrics = ReturnType<typeof createRouterMetrics>;
