import { HttpError } from "@llm/contracts";

/** A sequence lent to one request; `release()` returns it (idempotent). */
export interface Lease<T> {
  readonly item: T;
  release(): void;
}

interface Waiter<T> {
  resolve: (lease: Lease<T>) => void;
  reject: (err: unknown) => void;
  cleanup: () => void;
}

export interface SlotPoolOptions {
  /** Requests allowed to wait when every slot is busy; the next one gets 429. */
  queueCapacity: number;
  /** Seconds suggested to clients in `Retry-After` when the queue is full. Defaults to 1. */
  retryAfterSeconds?: number;
  /** Called whenever busy or waiting counts change (metrics). */
  onChange?: (busy: number, waiting: number) => void;
}

/**
 * The context's sequences, lent one per request, with a bounded FIFO wait queue. Bounding the queue
 * turns overload into fast 429s the router can fail over on, instead of unbounded latency.
 */
export class SlotPool<T> {
  private readonly free: T[];
  private readonly waiters: Waiter<T>[] = [];
  private busyCount = 0;

  constructor(
    items: readonly T[],
    private readonly opts: SlotPoolOptions,
  ) {
    this.free = [...items];
    this.size = items.length;
  }

  readonly size: number;

  get busy(): number {
    return this.busyCount;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  get capacity(): number {
    return this.opts.queueCapacity;
  }

  /**
   * Resolves with a lease when a slot is free; among several free slots, the one `score` rates
   * highest (prompt-cache affinity). Rejects with 429 (Retry-After) when the queue is
   * full, or with `signal.reason` when the caller gives up while waiting.
   */
  acquire(signal?: AbortSignal, score?: (item: T) => number): Promise<Lease<T>> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const item = this.takeFree(score);
    if (item !== undefined) {
      this.busyCount++;
      this.changed();
      return Promise.resolve(this.lease(item));
    }
    if (this.waiters.length >= this.opts.queueCapacity) {
      const retryAfter = String(this.opts.retryAfterSeconds ?? 1);
      return Promise.reject(
        new HttpError(429, "The runtime is at capacity: all sequences are busy and the wait queue is full", {
          code: "queue_full",
          headers: { "Retry-After": retryAfter },
        }),
      );
    }
    return new Promise<Lease<T>>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        this.changed();
        reject(signal?.reason);
      };
      const waiter: Waiter<T> = {
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
      this.changed();
    });
  }

  /** Removes and returns the free slot with the highest score (the most recently freed without a scorer). */
  private takeFree(score?: (item: T) => number): T | undefined {
    if (this.free.length <= 1 || !score) return this.free.pop();
    let best = this.free.length - 1;
    let bestScore = score(this.free[best] as T);
    for (let i = this.free.length - 2; i >= 0; i--) {
      const s = score(this.free[i] as T);
      if (s > bestScore) {
        best = i;
        bestScore = s;
      }
    }
    return this.free.splice(best, 1)[0];
  }

  /** Rejects every waiting request (shutdown). */
  rejectWaiters(err: unknown): void {
    for (const w of this.waiters.splice(0)) {
      w.cleanup();
      w.reject(err);
    }
    this.changed();
  }

  private lease(item: T): Lease<T> {
    let released = false;
    return {
      item,
      release: () => {
        if (released) return;
        released = true;
        const next = this.waiters.shift();
        if (next) {
          // Hand the slot straight to the next waiter: busy count is unchanged.
          next.cleanup();
          this.changed();
          next.resolve(this.lease(item));
          return;
        }
        this.busyCount--;
        this.free.push(item);
        this.changed();
      },
    };
  }

  private changed(): void {
    this.opts.onChange?.(this.busyCount, this.waiters.length);
  }
}
