import type { RouterEvent, RouterEventType } from "./schema.js";

/** Which events a subscriber wants; every field narrows (absent: everything). */
export interface EventFilter {
  /** Only these types. */
  types?: readonly RouterEventType[];
  /** Only events of this tenant (router-wide events, which carry no `tenant`, are then excluded). */
  tenant?: string;
}

/** What a subscriber receives besides the event: its sequence number on this bus (the SSE `id`). */
export interface EventMeta {
  seq: number;
}

export type EventHandler = (event: RouterEvent, meta: EventMeta) => void | Promise<void>;

export interface EventBusOptions {
  /** Events queued per subscriber before the oldest are dropped. Defaults to 1000. */
  queueLimit?: number;
  /** Recent events kept for `recent()` (an SSE client's replay). Defaults to 200. */
  historySize?: number;
  /** Told about a handler that threw (the bus itself never throws to a publisher). */
  onError?: (err: unknown, event: RouterEvent) => void;
}

class Subscription {
  readonly queue: { event: RouterEvent; meta: EventMeta }[] = [];
  dropped = 0;
  draining = false;
  closed = false;

  constructor(
    readonly filter: EventFilter,
    readonly fn: EventHandler,
  ) {}
}

/** Whether `event` passes `filter`. */
export function matches(filter: EventFilter, event: RouterEvent): boolean {
  if (filter.types && !filter.types.includes(event.type)) return false;
  if (filter.tenant !== undefined && (!("tenant" in event) || event.tenant !== filter.tenant)) return false;
  return true;
}

/**
 * The router's event bus: one per router instance (`router.events`), in process.
 *
 * - `publish(event)` is synchronous and O(subscribers): it appends to each matching subscriber's
 *   queue and schedules delivery with `setImmediate`, so the request path never waits on a
 *   subscriber and never sees its errors.
 * - Each subscriber's handlers run one at a time in publish order; an async handler (a webhook
 *   POST) is awaited before the next event, so a slow one only grows its own queue.
 * - Queues are bounded (`queueLimit`): a subscriber that falls behind loses its oldest events,
 *   counted in `dropped`.
 *
 * ```ts
 * const off = router.events.subscribe({ types: ["decision", "failover"] }, async (e, { seq }) => {
 *   await deliver(e); // e is a RouterEvent (events/schema.ts)
 * });
 * off(); // unsubscribe
 * ```
 */
export class EventBus {
  private readonly subs = new Set<Subscription>();
  private readonly history: { event: RouterEvent; meta: EventMeta }[] = [];
  private seq = 0;
  private droppedTotal = 0;
  private readonly queueLimit: number;
  private readonly historySize: number;

  constructor(private readonly opts: EventBusOptions = {}) {
    this.queueLimit = opts.queueLimit ?? 1000;
    this.historySize = opts.historySize ?? 200;
  }

  /** Queues `event` for every matching subscriber; never blocks, never throws. */
  publish(event: RouterEvent): void {
    const meta = { seq: ++this.seq };
    this.history.push({ event, meta });
    if (this.history.length > this.historySize) this.history.shift();
    for (const s of this.subs) {
      if (!matches(s.filter, event)) continue;
      s.queue.push({ event, meta });
      if (s.queue.length > this.queueLimit) {
        s.queue.shift();
        s.dropped++;
        this.droppedTotal++;
      }
      if (!s.draining) {
        s.draining = true;
        setImmediate(() => void this.drain(s));
      }
    }
  }

  /** Calls `fn` for each matching event published from now on. Returns the unsubscribe function. */
  subscribe(filter: EventFilter, fn: EventHandler): () => void {
    const s = new Subscription(filter, fn);
    this.subs.add(s);
    return () => {
      s.closed = true;
      s.queue.length = 0;
      this.subs.delete(s);
    };
  }

  /** The last events still in history that match `filter`, oldest first (at most `limit`). */
  recent(filter: EventFilter = {}, limit = this.historySize): { event: RouterEvent; meta: EventMeta }[] {
    const out = this.history.filter((h) => matches(filter, h.event));
    return limit >= out.length ? out : out.slice(out.length - limit);
  }

  /** Events dropped from full subscriber queues since start. */
  get dropped(): number {
    return this.droppedTotal;
  }

  get subscriberCount(): number {
    return this.subs.size;
  }

  /** Drops every subscriber (router close). */
  close(): void {
    for (const s of this.subs) {
      s.closed = true;
      s.queue.length = 0;
    }
    this.subs.clear();
  }

  private async drain(s: Subscription): Promise<void> {
    while (!s.closed && s.queue.length > 0) {
      const next = s.queue.shift()!;
      try {
        await s.fn(next.event, next.meta);
      } catch (err) {
        this.opts.onError?.(err, next.event);
      }
    }
    s.draining = false;
  }
}
