import { referenceCostUsd, savedUsd, tokenCostUsd } from "../../src/pricing/reference.js";

// Anthropic-style rates: cache reads 0.1x input, 5-minute cache writes 1.25x input.
const sonnet = { inputPer1M: 3, outputPer1M: 15, cacheReadPer1M: 0.3, cacheWritePer1M: 3.75 };
const mini = { name: "openai", inputPer1M: 0.15, outputPer1M: 0.6, cacheReadPer1M: 0.075 };

describe("the all-external reference price", () => {
  it("prices cache reads and writes at their own rates, as parts of the prompt", () => {
    // 10k prompt tokens: 8k read from the cache, 1k written, 1k fresh; 500 out.
    const usd = tokenCostUsd(sonnet, {
      promptTokens: 10_000,
      completionTokens: 500,
      cacheReadTokens: 8_000,
      cacheWriteTokens: 1_000,
    });
    expect(usd).toBeCloseTo((1_000 * 3 + 8_000 * 0.3 + 1_000 * 3.75 + 500 * 15) / 1e6, 12);
    // Without cache counts, or without cache rates, everything is input.
    expect(tokenCostUsd(sonnet, { promptTokens: 10_000, completionTokens: 500 })).toBeCloseTo(0.0375, 12);
    expect(
      tokenCostUsd(
        { inputPer1M: 3, outputPer1M: 15 },
        { promptTokens: 10_000, completionTokens: 500, cacheReadTokens: 8_000 },
      ),
    ).toBeCloseTo(0.0375, 12);
  });

  it("clamps cache counts to the prompt", () => {
    const usd = tokenCostUsd(sonnet, {
      promptTokens: 100,
      completionTokens: 0,
      cacheReadTokens: 500,
      cacheWriteTokens: 50,
    });
    expect(usd).toBeCloseTo((100 * 0.3) / 1e6, 12);
  });

  it("is the cheapest external for the request's own mix; 0 without prices", () => {
    expect(referenceCostUsd([sonnet, mini], 1_000, 1_000)).toBeCloseTo(
      (1_000 * 0.15 + 1_000 * 0.6) / 1e6,
      12,
    );
    expect(referenceCostUsd([mini], 1_000, 0, { cacheReadTokens: 1_000 })).toBeCloseTo(0.075 / 1e3, 12);
    expect(referenceCostUsd([], 1_000, 1_000)).toBe(0);
    expect(savedUsd(0.01, 0.004)).toBeCloseTo(0.006, 12);
    expect(savedUsd(0.001, 0.004)).toBeLessThan(0);
  });
});
