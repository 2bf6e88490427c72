import type { Usage } from "@llm/contracts";
import type { AnthropicUsage } from "./translate.js";

/** Prompt tokens include cache writes and reads, which Anthropic reports apart. */
export function promptTokens(u: AnthropicUsage): number {
  return (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
}

/**
 * OpenAI-shaped usage of an Anthropic answer. The cache counts travel on (OpenAI's
 * `prompt_tokens_details.cached_tokens` plus Anthropic's write count) so accounting prices cache
 * reads and writes at their own rates (router/src/pricing/cache-pricing.ts reads them back).
 */
export function openAIUsage(u: AnthropicUsage): Usage {
  const prompt = promptTokens(u);
  const completion = u.output_tokens ?? 0;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (u.cache_read_input_tokens || u.cache_creation_input_tokens)
    Object.assign(usage, {
      prompt_tokens_details: { cached_tokens: u.cache_read_input_tokens ?? 0 },
      cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0,
    });
  return usage;
}
