/**
 * Requests that would have preferred a cold (scaled-to-zero) target, as an exponentially
 * decaying count: each adds 1, and the total halves every `halfLifeMs`. KEDA reads it to
 * wake the pool; it fades once traffic stops wanting that target.
 */
export class PendingDemand {
  private value = 0;
  private at = 0;

  constructor(
    private halfLifeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  setHalfLife(ms: number): void {
    this.current();
    this.halfLifeMs = ms;
  }

  add(n = 1): void {
    this.value = this.current() + n;
  }

  current(): number {
    const t = this.now();
    if (this.value !== 0 && t > this.at) this.value *= 2 ** (-(t - this.at) / this.halfLifeMs);
    this.at = t;
    if (this.value < 1e-6) this.value = 0;
    return this.value;
  }
}
