/**
 * Capacity throughput of this runtime, for the router's and exporter's cost model (router/README.md
 * § Cost model): the tokens/s it produces when busy, not the traffic it happened to serve.
 *
 * Estimator. Each finished generation gives one per-sequence decode rate: tokens after the first
 * over the time from the first token to the last (prompt evaluation and queueing excluded, so it
 * is measured only while generating), filed under the number of sequences that were generating
 * alongside it (its batch size k, at most the slot count). Rates are smoothed per k with an EWMA
 * (α = 0.2: about the last ten generations). Then
 *   decode   = the smoothed per-sequence rate over all generations (what one request sees);
 *   capacity = max over observed k of k × rate_k, i.e. the per-sequence rate × min(slots, observed
 *              batch scaling). Only batch sizes that were seen count: a pool only ever used one
 *              sequence at a time is priced at one sequence's rate (conservative) until it batched.
 * Both are 0 until the first generation; the router then uses its prior.
 */
const ALPHA = 0.2;

const ewma = (prev: number | undefined, x: number) => (prev === undefined ? x : prev + ALPHA * (x - prev));

export class CapacityEstimator {
  private decode?: number;
  private readonly byBatch = new Map<number, number>();

  /**
   * One sequence finished: `tokens` decoded after its first token over `generatingMs`, while
   * `batch` sequences (itself included) were generating; `slots` is the runtime's `--parallel`.
   */
  observe(tokens: number, generatingMs: number, batch: number, slots: number): void {
    if (tokens < 1 || !(generatingMs > 0)) return;
    const rate = (tokens * 1000) / generatingMs;
    if (!Number.isFinite(rate)) return;
    const k = Math.max(1, Math.min(Math.round(batch), slots));
    this.decode = ewma(this.decode, rate);
    this.byBatch.set(k, ewma(this.byBatch.get(k), rate));
  }

  /** Smoothed per-sequence decode rate while generating (tokens/s); 0 before any generation. */
  decodeTokensPerSecond(): number {
    return this.decode ?? 0;
  }

  /** Aggregate tokens/s at the best observed batch size (capped at the slot count); 0 before any. */
  capacityTokensPerSecond(): number {
    let best = 0;
    for (const [k, rate] of this.byBatch) best = Math.max(best, k * rate);
    return best;
  }
}
