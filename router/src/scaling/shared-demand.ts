import type { Logger } from "pino";
import type { KeyValueStore } from "../state/key-value.js";
import type { Target } from "../targets/target.js";

/**
 * Pending demand shared by every router replica through the state store, so KEDA reads the same
 * number whichever replica answers `/scaling/<target>`, and a restart keeps it.
 *
 * A decaying count cannot be stored as a plain number (it changes with time), but it can be stored
 * as a growth-scaled sum: an add of n at time t contributes n·2^((t−e)/h) to the sum S of its
 * epoch e, and the count at time t is S·2^(−(t−e)/h). Adds are then plain atomic float increments
 * (the key/value store's `incr`), from any replica, in any order. Epochs are EPOCH_HALF_LIVES half-lives
 * long so the scale factor stays below 2^16; a read sums the current and the previous epoch (anything
 * older has decayed below 2^-16 of its size). Keys carry the half-life: a changed half-life starts a
 * fresh series (demand restarts at zero, a rare reload-time event).
 */
export const EPOCH_HALF_LIVES = 16;

/** The two keys a read needs at time `t` (current epoch first), and the current epoch's start. */
export function demandKeys(
  t: number,
  halfLifeMs: number,
): { epoch: number; current: string; previous: string } {
  const w = halfLifeMs * EPOCH_HALF_LIVES;
  const epoch = Math.floor(t / w) * w;
  return { epoch, current: `${halfLifeMs}:${epoch}`, previous: `${halfLifeMs}:${epoch - w}` };
}

/** How long an epoch key must live: until it can no longer be the previous epoch, plus a margin. */
export function demandKeyTtlMs(halfLifeMs: number): number {
  return halfLifeMs * (2 * EPOCH_HALF_LIVES + 1);
}

/** The count at `t` from the two epoch sums. */
export function demandAt(t: number, halfLifeMs: number, current: number, previous: number): number {
  const { epoch } = demandKeys(t, halfLifeMs);
  const w = halfLifeMs * EPOCH_HALF_LIVES;
  return current * 2 ** (-(t - epoch) / halfLifeMs) + previous * 2 ** (-(t - epoch + w) / halfLifeMs);
}

export interface SharedDemandOptions {
  /** Where the sums live: the state store's key/value API (Redis shared by replicas, or memory). */
  kv: KeyValueStore;
  /** The scale-to-zero targets to keep in sync (read on every tick, so reloads are followed). */
  targets: () => readonly Target[];
  now: () => number;
  logger: Logger;
  /** How often every replica pushes its adds and reads the total. Defaults to 1 s. */
  intervalMs?: number;
}

/** Keeps each scale-to-zero target's `demand` in step with the shared total. */
export class SharedDemand {
  private readonly kv: KeyValueStore;
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private lastError = "";

  constructor(private readonly opts: SharedDemandOptions) {
    this.kv = opts.kv.namespace("demand");
  }

  /** Starts the background sync (unref'd: it never keeps the process alive). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs ?? 1000);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await Promise.all(this.opts.targets().map((t) => this.sync(t)));
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Pushes this replica's adds for `target` and adopts the shared total. Never rejects: with the
   * store down the target keeps counting locally (and pushes the backlog once the store is back).
   */
  sync(target: Target): Promise<void> {
    const running = this.inFlight.get(target.name);
    if (running) return running;
    const p = this.syncNow(target).finally(() => this.inFlight.delete(target.name));
    this.inFlight.set(target.name, p);
    return p;
  }

  /**
   * `sync`, but waits at most `ms`: KEDA gives a metrics-api request 3 s by default
   * (KEDA_HTTP_DEFAULT_TIMEOUT, 3000 ms in kedacore/keda's operator), so a slow store must not turn
   * the answer into a scaler error. Past the bound the
   * caller answers with this replica's view; the sync still finishes in the background.
   */
  async syncWithin(target: Target, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.sync(target),
      new Promise<void>((r) => {
        timer = setTimeout(r, ms);
      }),
    ]);
    clearTimeout(timer);
  }

  private async syncNow(target: Target): Promise<void> {
    const d = target.demand;
    const h = d.halfLife;
    const t = this.opts.now();
    const keys = demandKeys(t, h);
    const kv = this.kv.namespace(target.name);
    const add = d.takeUnsynced();
    try {
      if (add > 0)
        await kv.incr(keys.current, add * 2 ** ((t - keys.epoch) / h), { ttlMs: demandKeyTtlMs(h) });
    } catch (err) {
      d.restoreUnsynced(add);
      this.warn(err);
      return;
    }
    try {
      const [cur, prev] = await kv.getMany([keys.current, keys.previous]);
      d.adopt(demandAt(t, h, Number(cur ?? 0) || 0, Number(prev ?? 0) || 0), t);
      this.lastError = "";
    } catch (err) {
      this.warn(err);
    }
  }

  private warn(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (message === this.lastError) return;
    this.lastError = message;
    this.opts.logger.warn(
      { event: "scaling.demand_sync_failed", error: message },
      "pending demand not shared: state store unavailable; counting on this replica meanwhile",
    );
  }

  /** Stops the timer and pushes what is left (bounded, so a dead store cannot hold shutdown). */
  async close(flushTimeoutMs = 2000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.inFlight.values()]).then(() => this.tick()),
      new Promise<void>((r) => {
        timeout = setTimeout(r, flushTimeoutMs);
      }),
    ]);
    clearTimeout(timeout);
  }
}
