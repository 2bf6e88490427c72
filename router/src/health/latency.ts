/**
 * Measured latency of one target: an EWMA for ranking plus a ring of recent samples for p95.
 * Samples are whole-request times for non-streamed calls and time to first byte for streams,
 * so a long generation does not make a fast target look slow.
 */
export class LatencyTracker {
  private ewmaMs?: number;
  private readonly ring: Float64Array;
  private count = 0;
  private next = 0;
  private cachedP95?: number;

  constructor(
    /** Weight of a new sample. Defaults to 0.2. */
    private readonly alpha = 0.2,
    size = 128,
  ) {
    this.ring = new Float64Array(size);
  }

  observe(ms: number): void {
    this.ewmaMs = this.ewmaMs === undefined ? ms : this.ewmaMs + this.alpha * (ms - this.ewmaMs);
    this.ring[this.next] = ms;
    this.next = (this.next + 1) % this.ring.length;
    if (this.count < this.ring.length) this.count++;
    // Re-sorting on every sample would cost more than the request; refresh every 16 samples.
    if (this.count < 16 || this.next % 16 === 0) this.cachedP95 = undefined;
  }

  /** EWMA in ms; undefined until the first sample. */
  get ewma(): number | undefined {
    return this.ewmaMs;
  }

  get samples(): number {
    return this.count;
  }

  /** 95th percentile of the recent samples; undefined until the first. */
  p95(): number | undefined {
    if (this.count === 0) return undefined;
    if (this.cachedP95 === undefined) {
      const sorted = this.ring.slice(0, this.count).sort();
      this.cachedP95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
    }
    return this.cachedP95;
  }
}
