import { type WakeUpInputs, wakeUpPays } from "../pricing/wake-up.js";

/**
 * Requests that would have preferred a cold (scaled-to-zero) target, as an exponentially
 * decaying count: each adds 1, and the total halves every `halfLifeMs`. KEDA reads it to
 * wake the pool; it fades once traffic stops wanting that target.
 *
 * With several router replicas the total lives in the state store (see shared-demand.ts): this
 * object then holds the last shared total it was given (`adopt`) plus the adds made here since,
 * which `takeUnsynced` hands over for pushing. Without a store it is simply this replica's count.
 */
export class PendingDemand {
  private value = 0;
  private at = 0;
  private unsynced = 0;
  private unsyncedAt = 0;
  /** Tokens of the requests offered here, decayed: the volume a wake-up is weighed against. */
  private volume = 0;
  private volumeAt = 0;

  constructor(
    private halfLifeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get halfLife(): number {
    return this.halfLifeMs;
  }

  setHalfLife(ms: number): void {
    this.current();
    this.pending();
    this.halfLifeMs = ms;
  }

  private decay(v: number, from: number, to: number): number {
    return v !== 0 && to > from ? v * 2 ** (-(to - from) / this.halfLifeMs) : v;
  }

  /** Adds made here and not yet taken, decayed to now. */
  private pending(): number {
    const t = this.now();
    this.unsynced = this.decay(this.unsynced, this.unsyncedAt, t);
    this.unsyncedAt = t;
    return this.unsynced;
  }

  /**
   * One request of `tokens` that wanted this cold target: its volume is kept (decayed with the same
   * half-life), and demand is raised only once that waiting volume pays for a wake-up
   * (pricing/wake-up.ts, router/README.md § Cost model). Returns whether it was raised.
   */
  offer(tokens: number, wake: Omit<WakeUpInputs, "waitingTokens">): boolean {
    const t = this.now();
    this.volume = this.decay(this.volume, this.volumeAt, t) + tokens;
    this.volumeAt = t;
    if (!wakeUpPays({ ...wake, waitingTokens: this.volume })) return false;
    this.add(1);
    return true;
  }

  add(n = 1): void {
    this.value = this.current() + n;
    this.unsynced = this.pending() + n;
  }

  current(): number {
    const t = this.now();
    this.value = this.decay(this.value, this.at, t);
    this.at = t;
    if (this.value < 1e-6) this.value = 0;
    return this.value;
  }

  /** The adds made here since the last take, decayed to now; they count as handed over. */
  takeUnsynced(): number {
    const n = this.pending();
    this.unsynced = 0;
    return n;
  }

  /** Gives back what a failed push could not deliver, so the next push carries it. */
  restoreUnsynced(n: number): void {
    this.unsynced = this.pending() + n;
  }

  /** Replaces the count with the shared total as read at `at`, plus the adds made here since the last take. */
  adopt(shared: number, at: number): void {
    const t = this.now();
    this.value = this.decay(shared, at, t) + this.pending();
    this.at = t;
  }
}
