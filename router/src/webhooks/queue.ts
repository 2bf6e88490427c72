import { signRequest } from "@llm/contracts";
import pRetry, { AbortError } from "p-retry";
import { request } from "undici";
import type { WebhookMetrics } from "./metrics.js";

/** One destination's delivery settings. */
export interface DeliveryOptions {
  /** Label in metrics and logs. */
  name: string;
  url: string;
  /** HMAC secret: batches are signed as cluster requests are (contracts auth/hmac.ts). None: unsigned. */
  secret?: string;
  /**
   * `batch`: `{"webhook","sentAt","events":[...]}` per POST. `single`: each item is the whole body
   * of its own POST (what `budgets.alertWebhook` receivers have always been sent).
   */
  format: "batch" | "single";
  batchSize: number;
  /** ms a partial batch waits for more. */
  batchIntervalMs: number;
  /** Items held while a POST is in flight or the receiver is down; past it, new items are dropped. */
  queueSize: number;
  /** Retries of one POST (exponential backoff with jitter) before its items are dropped. */
  retries: number;
  /** ms one POST may take. */
  timeoutMs: number;
  /** First retry backoff, ms. Defaults to 200. */
  minBackoffMs?: number;
}

/**
 * A bounded, batched delivery queue for one webhook. `push` is synchronous and never throws or
 * waits: the request path only appends to an array. One POST is in flight at a time; a batch
 * that still fails after its retries is dropped, and so is an item that finds the queue full —
 * both counted in `llm_router_webhook_dropped_total`.
 */
export class DeliveryQueue {
  private readonly items: unknown[] = [];
  private timer?: NodeJS.Timeout;
  private sending = false;
  private closed = false;
  private readonly abort = new AbortController();
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly opts: DeliveryOptions,
    private readonly metrics: WebhookMetrics,
    private readonly onError: (err: Error, dropped: number) => void,
  ) {}

  /** Queues one item; false when it was dropped (queue full or closed). */
  push(item: unknown): boolean {
    if (this.closed) return false;
    if (this.items.length >= this.opts.queueSize) {
      this.metrics.dropped.inc({ webhook: this.opts.name, reason: "queue_full" });
      return false;
    }
    this.items.push(item);
    this.metrics.queued.set({ webhook: this.opts.name }, this.items.length);
    if (this.items.length >= this.batchSize()) this.kick();
    else if (!this.timer && !this.sending) {
      this.timer = setTimeout(() => this.kick(), this.opts.batchIntervalMs);
      this.timer.unref();
    }
    return true;
  }

  /** Items waiting (not counting a batch in flight). */
  get depth(): number {
    return this.items.length;
  }

  /** Resolves once nothing is queued or in flight (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.sending && this.items.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops delivering: pending items are dropped (counted), an in-flight POST is aborted. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    if (this.items.length > 0)
      this.metrics.dropped.inc({ webhook: this.opts.name, reason: "closed" }, this.items.length);
    this.items.length = 0;
    this.abort.abort();
    this.settleIdle();
  }

  private batchSize(): number {
    return this.opts.format === "single" ? 1 : this.opts.batchSize;
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.sending || this.closed || this.items.length === 0) return;
    this.sending = true;
    // Off the caller's stack: push() returns before any delivery work starts.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (!this.closed && this.items.length > 0) {
      const batch = this.items.splice(0, this.batchSize());
      this.metrics.queued.set({ webhook: this.opts.name }, this.items.length);
      try {
        await this.deliver(batch);
        this.metrics.delivered.inc({ webhook: this.opts.name }, batch.length);
      } catch (err) {
        if (this.closed) break;
        this.metrics.dropped.inc({ webhook: this.opts.name, reason: "delivery_failed" }, batch.length);
        this.onError(err as Error, batch.length);
      }
      // A partial batch waits for the interval again, so a steady trickle still goes out in batches.
      if (this.items.length > 0 && this.items.length < this.batchSize()) {
        this.sending = false;
        this.timer = setTimeout(() => this.kick(), this.opts.batchIntervalMs);
        this.timer.unref();
        return;
      }
    }
    this.sending = false;
    this.settleIdle();
  }

  private settleIdle(): void {
    if (this.sending || (this.items.length > 0 && !this.closed)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async deliver(batch: unknown[]): Promise<void> {
    const { opts } = this;
    const body =
      opts.format === "single"
        ? JSON.stringify(batch[0])
        : JSON.stringify({ webhook: opts.name, sentAt: new Date().toISOString(), events: batch });
    const url = new URL(opts.url);
    await pRetry(
      async () => {
        // Signed per try: a nonce is single-use on the receiver's side.
        const headers: Record<string, string> = {
          "content-type": "application/json",
          "user-agent": "llm-router-webhooks",
          ...(opts.secret
            ? signRequest(opts.secret, { method: "POST", path: url.pathname + url.search, body })
            : {}),
        };
        const res = await request(url, {
          method: "POST",
          headers,
          body,
          headersTimeout: opts.timeoutMs,
          bodyTimeout: opts.timeoutMs,
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(opts.timeoutMs)]),
        });
        await res.body.dump();
        if (res.statusCode >= 500 || res.statusCode === 429)
          throw new Error(`receiver answered ${res.statusCode}`);
        // Any other 4xx: the receiver refuses this body; sending it again cannot help.
        if (res.statusCode >= 400) throw new AbortError(`receiver refused the batch (${res.statusCode})`);
      },
      {
        retries: opts.retries,
        minTimeout: opts.minBackoffMs ?? 200,
        maxTimeout: 10_000,
        factor: 2,
        randomize: true,
        signal: this.abort.signal,
      },
    );
  }
}
