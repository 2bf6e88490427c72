/**
 * Recent decode rate: tokens counted in one-second buckets over a sliding window, so the gauge shows
 * what the engine does now rather than a lifetime average that hides idle periods and load spikes.
 */
export class DecodeRate {
  private readonly buckets = new Map<number, number>();

  constructor(
    /** Window length in seconds. Defaults to 10. */
    private readonly windowSeconds = 10,
    private readonly now: () => number = Date.now,
  ) {}

  add(tokens: number): void {
    const second = Math.floor(this.now() / 1000);
    this.buckets.set(second, (this.buckets.get(second) ?? 0) + tokens);
    this.prune(second);
  }

  /** Tokens per second over the window (completed seconds plus the current one). */
  perSecond(): number {
    const second = Math.floor(this.now() / 1000);
    this.prune(second);
    let total = 0;
    for (const n of this.buckets.values()) total += n;
    return total / this.windowSeconds;
  }

  private prune(current: number): void {
    for (const second of this.buckets.keys()) {
      if (second <= current - this.windowSeconds) this.buckets.delete(second);
    }
  }
}
