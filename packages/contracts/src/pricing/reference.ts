/**
 * The all-external reference price, defined once: what a request would have cost had every
 * request gone to an external provider, at the cheapest one that can serve it, for that request's
 * own token mix. bench:savings, the router's usage record (`savedUsd`) and the console's analytics
 * all price against it, so "saved" means the same everywhere. Pure: no I/O, no config.
 */

/** An external model's list price, USD per 1M tokens; cache rates where the provider bills them apart. */
export interface TokenPrice {
  inputPer1M: number;
  outputPer1M: number;
  /** Prompt tokens served from the provider's prompt cache. Absent: billed as input. */
  cacheReadPer1M?: number;
  /** Prompt tokens written to the cache (Anthropic's cache_creation). Absent: billed as input. */
  cacheWritePer1M?: number;
}

/** One external provider's price, as bench:savings and the router name them. */
export interface ExternalPrice extends TokenPrice {
  name: string;
}

/**
 * A request's tokens. `promptTokens` counts every prompt token, cached ones included (OpenAI's
 * `prompt_tokens` convention; the router's Anthropic and Gemini translations add theirs in), so
 * the cache counts are parts of it, never extra.
 */
export interface TokenCounts {
  promptTokens: number;
  completionTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/**
 * USD of `tokens` at `price`: uncached prompt tokens at the input rate, cache reads and writes at
 * their own rates (the input rate when the price has none), completion at the output rate.
 * Cache counts larger than the prompt are clamped to it (a provider's report, never trusted blindly).
 */
export function tokenCostUsd(price: TokenPrice, tokens: TokenCounts): number {
  const prompt = Math.max(0, tokens.promptTokens);
  const read = Math.min(prompt, Math.max(0, tokens.cacheReadTokens ?? 0));
  const write = Math.min(prompt - read, Math.max(0, tokens.cacheWriteTokens ?? 0));
  const fresh = prompt - read - write;
  return (
    (fresh * price.inputPer1M +
      read * (price.cacheReadPer1M ?? price.inputPer1M) +
      write * (price.cacheWritePer1M ?? price.inputPer1M) +
      Math.max(0, tokens.completionTokens) * price.outputPer1M) /
    1_000_000
  );
}

/**
 * USD of a request at the cheapest of `prices` (the provider the all-external baseline would
 * pick for it); 0 when there is no external price at all (then nothing is "saved" either).
 * `cache` prices the request's cache reads/writes as the external would have billed them.
 */
export function referenceCostUsd(
  prices: readonly TokenPrice[],
  promptTokens: number,
  completionTokens: number,
  cache: { cacheReadTokens?: number; cacheWriteTokens?: number } = {},
): number {
  let best = Number.POSITIVE_INFINITY;
  for (const p of prices)
    best = Math.min(best, tokenCostUsd(p, { promptTokens, completionTokens, ...cache }));
  return Number.isFinite(best) ? best : 0;
}

/**
 * The usage record's `savedUsd`: the all-external reference minus what the request cost
 * (amortized `costUsd`); negative when the route chosen cost more than the external would have.
 */
export function savedUsd(referenceUsd: number, costUsd: number): number {
  return referenceUsd - costUsd;
}
