import { type ExternalPriceEntry, externalPrices } from "./external-prices.js";
import type { ModelPrice, PriceTable } from "./types.js";

/**
 * A price table over entries, exact model id first, then the longest entry that prefixes
 * the model (so dated ids like `gpt-4o-mini-2024-07-18` price as `gpt-4o-mini`).
 */
export function createPriceTable(entries: readonly ExternalPriceEntry[] = externalPrices): PriceTable {
  const byProvider = new Map<string, ExternalPriceEntry[]>();
  for (const e of entries) {
    const list = byProvider.get(e.provider) ?? [];
    list.push(e);
    byProvider.set(e.provider, list);
  }
  // Longest first so `gpt-4o-mini` wins over `gpt-4o` for `gpt-4o-mini-2024-07-18`.
  for (const list of byProvider.values()) list.sort((a, b) => b.model.length - a.model.length);
  const cache = new Map<string, ModelPrice | undefined>();
  return {
    lookup(provider, model) {
      const key = `${provider}\u0000${model}`;
      if (cache.has(key)) return cache.get(key);
      const list = byProvider.get(provider) ?? [];
      const hit = list.find((e) => e.model === model) ?? list.find((e) => model.startsWith(e.model));
      const price = hit ? { inputPer1M: hit.inputPer1M, outputPer1M: hit.outputPer1M } : undefined;
      cache.set(key, price);
      return price;
    },
  };
}

/** USD for a request at `price`. */
export function priceRequest(price: ModelPrice, promptTokens: number, completionTokens: number): number {
  return (promptTokens * price.inputPer1M + completionTokens * price.outputPer1M) / 1_000_000;
}
