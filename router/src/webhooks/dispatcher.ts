import type { WebhookConfig } from "@llm/contracts";
import type { Registry } from "prom-client";
import type { AlertSink } from "../tenants/alerts.js";
import { webhookMetrics } from "./metrics.js";
import { DeliveryQueue } from "./queue.js";

/** An event as the router's bus carries it: a `type`, and whatever fields that type has. */
export interface WebhookEvent {
  type: string;
}

/**
 * What the dispatcher subscribes to: the router's event bus (events/bus.ts) has this shape. A
 * handler here only appends to a queue, so the bus never waits on a receiver.
 */
export interface EventSource {
  subscribe(filter: object, fn: (event: WebhookEvent) => void): () => void;
}

export interface WebhookDispatcherOptions {
  registry: Registry;
  logger: { warn(obj: object, msg?: string): void };
  /** First retry backoff of a failed POST, ms. Defaults to 200. */
  minBackoffMs?: number;
}

/** `budgets.alertWebhook` queues: one per URL, one alert per POST, unsigned as they always were. */
const ALERT_QUEUE = { batchSize: 1, batchIntervalMs: 0, queueSize: 100, retries: 3, timeoutMs: 5000 };

/**
 * Decision webhooks: one bounded delivery queue per `webhooks[]` entry, fed by the event bus
 * through each entry's event filter, plus the budget alert webhooks (`budgets.alertWebhook`) on
 * the same kind of queue. Nothing here runs on a request's path but an array push.
 */
export class WebhookDispatcher {
  private queues: { config: WebhookConfig; fingerprint: string; queue: DeliveryQueue }[] = [];
  private readonly alertQueues = new Map<string, DeliveryQueue>();
  private readonly metrics;
  private off?: () => void;

  constructor(private readonly opts: WebhookDispatcherOptions) {
    this.metrics = webhookMetrics(opts.registry);
  }

  /** Applies `webhooks[]` (initial config and every reload); an unchanged entry keeps its queue. */
  configure(webhooks: readonly WebhookConfig[]): void {
    const next: typeof this.queues = [];
    for (const config of webhooks) {
      const fingerprint = JSON.stringify(config);
      const same = this.queues.find((q) => q.fingerprint === fingerprint);
      if (same) {
        next.push(same);
        continue;
      }
      const name = config.name ?? new URL(config.url).host;
      const queue = new DeliveryQueue(
        {
          name,
          url: config.url,
          secret: config.secret,
          format: "batch",
          batchSize: config.batchSize,
          batchIntervalMs: config.batchInterval,
          queueSize: config.queueSize,
          retries: config.retries,
          timeoutMs: config.timeout,
          minBackoffMs: this.opts.minBackoffMs,
        },
        this.metrics,
        this.failed(name),
      );
      next.push({ config, fingerprint, queue });
    }
    for (const old of this.queues) if (!next.includes(old)) old.queue.close();
    this.queues = next;
  }

  /** Subscribes to the router's event bus (once; a later call moves the subscription). */
  attach(bus: EventSource): void {
    this.off?.();
    this.off = bus.subscribe({}, (e) => this.publish(e));
  }

  /** Queues `event` for every webhook whose filter takes it; never blocks, never throws. */
  publish(event: WebhookEvent): void {
    for (const q of this.queues)
      if (!q.config.events || (q.config.events as readonly string[]).includes(event.type))
        q.queue.push(event);
  }

  /** The budget alert sink (tenants/alerts.ts): the alert is queued for its URL and the settlement moves on. */
  readonly alertSink: AlertSink = async (alert, url) => {
    if (!url) return;
    let q = this.alertQueues.get(url);
    if (!q) {
      const name = `alert:${new URL(url).host}`;
      q = new DeliveryQueue(
        { name, url, format: "single", ...ALERT_QUEUE, minBackoffMs: this.opts.minBackoffMs },
        this.metrics,
        this.failed(name),
      );
      this.alertQueues.set(url, q);
    }
    q.push(alert);
  };

  /** Resolves when every queue is empty and idle (tests and benches). */
  async idle(): Promise<void> {
    await Promise.all([
      ...this.queues.map((q) => q.queue.idle()),
      ...[...this.alertQueues.values()].map((q) => q.idle()),
    ]);
  }

  close(): void {
    this.off?.();
    for (const q of this.queues) q.queue.close();
    for (const q of this.alertQueues.values()) q.close();
    this.queues = [];
    this.alertQueues.clear();
  }

  private failed(name: string) {
    return (err: Error, dropped: number) =>
      this.opts.logger.warn(
        { event: "webhook.delivery_failed", webhook: name, dropped, error: err.message },
        "webhook delivery failed; events dropped",
      );
  }
}
