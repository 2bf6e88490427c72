import { cacheAwareCostUsd, cacheTokensOf, withCacheRates } from "../../src/pricing/cache-pricing.js";
import { priceRequest } from "../../src/pricing/table.js";

const sonnet = { inputPer1M: 3, outputPer1M: 15 };
const mini = { inputPer1M: 0.15, outputPer1M: 0.6 };

describe("cache-read and cache-write pricing", () => {
  it("reads the cache counts of every provider's usage shape", () => {
    expect(cacheTokensOf({ prompt_tokens: 2000, prompt_tokens_details: { cached_tokens: 1536 } })).toEqual({
      cacheReadTokens: 1536,
      cacheWriteTokens: 0,
    });
    expect(
      cacheTokensOf({ input_tokens: 2000, input_tokens_details: { cached_tokens: 1024 } }).cacheReadTokens,
    ).toBe(1024);
    expect(
      cacheTokensOf({ input_tokens: 10, cache_read_input_tokens: 4000, cache_creation_input_tokens: 1200 }),
    ).toEqual({ cacheReadTokens: 4000, cacheWriteTokens: 1200 });
    expect(cacheTokensOf({ promptTokenCount: 3000, cachedContentTokenCount: 2048 }).cacheReadTokens).toBe(
      2048,
    );
    expect(cacheTokensOf({ prompt_tokens: 5, completion_tokens: 1 })).toEqual({
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
    expect(cacheTokensOf(undefined)).toEqual({ cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  it("bills cache reads below the input price (today's flat price bills them in full)", () => {
    const tokens = { promptTokens: 10_000, completionTokens: 100, cacheReadTokens: 9_000 };
    const flat = priceRequest(mini, 10_000, 100);
    const cached = cacheAwareCostUsd("openai", mini, tokens);
    expect(cached).toBeCloseTo((1_000 * 0.15 + 9_000 * 0.075 + 100 * 0.6) / 1e6, 12);
    expect(cached).toBeLessThan(flat);
  });

  it("bills Anthropic cache writes above the input price and reads at a tenth", () => {
    const usd = cacheAwareCostUsd("anthropic", sonnet, {
      promptTokens: 6_000,
      completionTokens: 0,
      cacheReadTokens: 4_000,
      cacheWriteTokens: 1_000,
    });
    expect(usd).toBeCloseTo((1_000 * 3 + 4_000 * 0.3 + 1_000 * 3.75) / 1e6, 12);
  });

  it("prefers an entry's own cache rates; unknown provider types get none", () => {
    expect(withCacheRates("openai", { ...mini, cacheReadPer1M: 0.015 }).cacheReadPer1M).toBe(0.015);
    expect(withCacheRates("gemini", { inputPer1M: 0.3, outputPer1M: 2.5 }).cacheReadPer1M).toBeCloseTo(
      0.075,
      12,
    );
    expect(withCacheRates("cluster", mini)).toMatchObject({
      cacheReadPer1M: undefined,
      cacheWritePer1M: undefined,
    });
  });
});
