import { type TokenCounts, type TokenPrice, tokenCostUsd } from "@llm/contracts";
import type { ModelPrice } from "./types.js";

/** Prompt tokens a provider served from its prompt cache, and wrote to it, for one request. */
export interface CacheTokens {
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

const count = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0);

/**
 * The cache counts of a usage object, whichever provider's shape it has:
 * - OpenAI chat: `prompt_tokens_details.cached_tokens` (a part of `prompt_tokens`), Responses
 *   API: `input_tokens_details.cached_tokens` (https://platform.openai.com/docs/guides/prompt-caching);
 * - Anthropic: `cache_read_input_tokens` / `cache_creation_input_tokens` (reported beside
 *   `input_tokens`; the router's translation adds them into `prompt_tokens`,
 *   https://docs.claude.com/en/docs/build-with-claude/prompt-caching);
 * - Gemini: `cachedContentTokenCount` of `usageMetadata` (a part of `promptTokenCount`,
 *   https://ai.google.dev/gemini-api/docs/caching).
 * No cache fields: zeros (every prompt token priced as input, as before).
 */
export function cacheTokensOf(usage: unknown): CacheTokens {
  if (typeof usage !== "object" || usage === null) return { cacheReadTokens: 0, cacheWriteTokens: 0 };
  const u = usage as Record<string, unknown>;
  const details = (k: string) => (u[k] as { cached_tokens?: unknown } | undefined)?.cached_tokens;
  const read = Math.max(
    count(details("prompt_tokens_details")),
    count(details("input_tokens_details")),
    count(u.cache_read_input_tokens),
    count(u.cachedContentTokenCount),
  );
  return { cacheReadTokens: read, cacheWriteTokens: count(u.cache_creation_input_tokens) };
}

/**
 * Cache rates as multiples of a model's input price, per provider type, for price entries that
 * give none of their own (the built-in table lists input/output only):
 * - anthropic: reads 0.1x, 5-minute cache writes 1.25x (Anthropic's prompt-caching pricing);
 * - openai: cached input 0.5x, no write surcharge (the discount OpenAI launched prompt caching
 *   with; newer families discount more, so set `cacheReadPer1M` on the entry for those);
 * - gemini: cached tokens 0.25x (implicit caching's 75 % discount; storage of explicit caches is
 *   billed per hour apart and not per request).
 * Other types: no cache rates (cached tokens priced as input).
 */
export const CACHE_RATE_MULTIPLIERS: Readonly<Record<string, { read: number; write?: number }>> = {
  anthropic: { read: 0.1, write: 1.25 },
  openai: { read: 0.5 },
  gemini: { read: 0.25 },
};

/** `price` with its cache rates: its own when given, else the provider type's multipliers. */
export function withCacheRates(providerType: string, price: ModelPrice & Partial<TokenPrice>): TokenPrice {
  const m = CACHE_RATE_MULTIPLIERS[providerType];
  return {
    inputPer1M: price.inputPer1M,
    outputPer1M: price.outputPer1M,
    cacheReadPer1M: price.cacheReadPer1M ?? (m ? price.inputPer1M * m.read : undefined),
    cacheWritePer1M:
      price.cacheWritePer1M ?? (m?.write !== undefined ? price.inputPer1M * m.write : undefined),
  };
}

/** USD of an external request with its cache reads and writes priced at their own rates. */
export function cacheAwareCostUsd(
  providerType: string,
  price: ModelPrice & Partial<TokenPrice>,
  tokens: TokenCounts,
): number {
  return tokenCostUsd(withCacheRates(providerType, price), tokens);
}
