import { cacheTokensOf } from "../../src/pricing/cache-pricing.js";
import { fromAnthropicResponse } from "../../src/providers/anthropic/translate.js";
import { usageOf } from "../../src/providers/gemini/translate.js";

/** Provider usage keeps its cache counts through translation, so accounting can price them apart. */
describe("cache tokens through the provider translations", () => {
  it("Anthropic: cache reads and writes are part of prompt_tokens and readable as cache counts", () => {
    const chat = fromAnthropicResponse(
      {
        id: "msg_1",
        type: "message",
        role: "assistant",
        content: [{ type: "text", text: "ok" }],
        stop_reason: "end_turn",
        usage: {
          input_tokens: 100,
          cache_read_input_tokens: 9_000,
          cache_creation_input_tokens: 500,
          output_tokens: 7,
        },
      } as never,
      "claude-x",
    );
    expect(chat.usage).toMatchObject({ prompt_tokens: 9_600, completion_tokens: 7, total_tokens: 9_607 });
    expect(cacheTokensOf(chat.usage)).toEqual({ cacheReadTokens: 9_000, cacheWriteTokens: 500 });
  });

  it("Gemini: cachedContentTokenCount is readable as cache reads", () => {
    const usage = usageOf({
      promptTokenCount: 4_000,
      candidatesTokenCount: 10,
      cachedContentTokenCount: 3_000,
    });
    expect(usage.prompt_tokens).toBe(4_000);
    expect(cacheTokensOf(usage).cacheReadTokens).toBe(3_000);
  });
});
