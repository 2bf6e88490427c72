import type { Usage } from "@llm/contracts";
import { cacheTokensOf } from "../pricing/cache-pricing.js";
import { estimateTextTokens } from "../pricing/estimate.js";

/** Completion tokens of a response that reported no usage, estimated from its text. */
export function estimateOutputTokens(result: { choices?: unknown[] }): number {
  let chars = 0;
  for (const c of result.choices ?? []) {
    const choice = c as { message?: { content?: unknown }; text?: unknown; delta?: { content?: unknown } };
    const text = choice.message?.content ?? choice.text ?? choice.delta?.content;
    if (typeof text === "string") chars += text.length;
  }
  return estimateTextTokens(" ".repeat(chars));
}

/** The usage an upstream reported, with its total recomputed; undefined when it reported none. */
export function asUsage(u: unknown): Usage | undefined {
  if (!u || typeof u !== "object") return undefined;
  const x = u as Partial<Usage>;
  if (typeof x.prompt_tokens !== "number") return undefined;
  const completion = typeof x.completion_tokens === "number" ? x.completion_tokens : 0;
  const usage: Usage = {
    prompt_tokens: x.prompt_tokens,
    completion_tokens: completion,
    total_tokens: x.prompt_tokens + completion,
  };
  // Cache counts travel on in OpenAI's shape (plus Anthropic's write count) so accounting prices
  // them at their own rates (cacheTokensOf reads them back).
  const cache = cacheTokensOf(u);
  if (cache.cacheReadTokens || cache.cacheWriteTokens)
    Object.assign(usage, {
      prompt_tokens_details: { cached_tokens: cache.cacheReadTokens },
      cache_creation_input_tokens: cache.cacheWriteTokens,
    });
  return usage;
}
