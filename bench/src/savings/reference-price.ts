/**
 * The all-external reference price, pending the shared definition in `@llm/contracts`
 * (packages/contracts/src/pricing/reference.ts): what a request would have cost had every request
 * gone to an external provider, priced at the cheapest one that can serve it for that request's
 * own input/output mix. bench:savings compares every run's total against it.
 */

/** One external provider's price, USD per 1M input and output tokens. */
export interface ExternalPrice {
  name: string;
  inputPer1M: number;
  outputPer1M: number;
}

/**
 * USD of a request of `promptTokens` in and `completionTokens` out at the cheapest of `prices`
 * (the provider the all-external baseline would pick); 0 when there is no external price at all.
 */
export function referenceCostUsd(
  prices: readonly ExternalPrice[],
  promptTokens: number,
  completionTokens: number,
): number {
  let best = Number.POSITIVE_INFINITY;
  for (const p of prices) {
    best = Math.min(best, (promptTokens * p.inputPer1M + completionTokens * p.outputPer1M) / 1_000_000);
  }
  return Number.isFinite(best) ? best : 0;
}
