import { Counter, Gauge, type Registry } from "prom-client";

/** Webhook delivery metrics, registered once per router registry (the app's `/metrics`). */
export function webhookMetrics(registry: Registry) {
  let m = created.get(registry);
  if (!m) {
    m = build(registry);
    created.set(registry, m);
  }
  return m;
}

export type WebhookMetrics = ReturnType<typeof build>;

const created = new WeakMap<Registry, WebhookMetrics>();

function build(registry: Registry) {
  const registers = [registry];
  return {
    dropped: new Counter({
      name: "llm_router_webhook_dropped_total",
      help: "Webhook events dropped, by webhook and reason (queue_full, delivery_failed after retries, closed)",
      labelNames: ["webhook", "reason"] as const,
      registers,
    }),
    delivered: new Counter({
      name: "llm_router_webhook_delivered_total",
      help: "Webhook events delivered (a 2xx/3xx answer to their batch), by webhook",
      labelNames: ["webhook"] as const,
      registers,
    }),
    queued: new Gauge({
      name: "llm_router_webhook_queue_depth",
      help: "Webhook events waiting for delivery, by webhook",
      labelNames: ["webhook"] as const,
      registers,
    }),
  };
}
