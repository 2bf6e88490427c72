/**
 * Public list prices of external models, USD per 1M tokens (standard tier, no batch or cache
 * discounts; Gemini 2.5 Pro at its <=200K-token prompt rate).
 *
 * Checked 2026-11-23 against the providers' published pricing pages (openai.com/api/pricing,
 * docs.anthropic.com/en/docs/about-claude/pricing, ai.google.dev/gemini-api/docs/pricing), as
 * quoted by third-party price trackers. Prices change: override per provider in config with
 * `externalProviders[].pricing: { <model>: { input, output } }` rather than editing here.
 *
 * Lookups (see table.ts) match the exact id first, then the longest entry the model id starts
 * with, so dated snapshots (`gpt-4o-mini-2024-07-18`, `claude-haiku-4-5-20251001`) price as their
 * family. Where a longer family shares a prefix (`gpt-4.1-mini` vs `gpt-4.1`), both are listed.
 */
export interface ExternalPriceEntry {
  provider: "openai" | "anthropic" | "gemini";
  /** Model id as the provider names it; lookups also match dated variants (`gpt-4o-mini-2024-07-18`). */
  model: string;
  inputPer1M: number;
  outputPer1M: number;
}

export const externalPrices: ExternalPriceEntry[] = [
  // OpenAI
  { provider: "openai", model: "gpt-4o-mini", inputPer1M: 0.15, outputPer1M: 0.6 },
  { provider: "openai", model: "gpt-4o", inputPer1M: 2.5, outputPer1M: 10 },
  { provider: "openai", model: "gpt-4.1-nano", inputPer1M: 0.1, outputPer1M: 0.4 },
  { provider: "openai", model: "gpt-4.1-mini", inputPer1M: 0.4, outputPer1M: 1.6 },
  { provider: "openai", model: "gpt-4.1", inputPer1M: 2, outputPer1M: 8 },
  { provider: "openai", model: "text-embedding-3-small", inputPer1M: 0.02, outputPer1M: 0 },
  { provider: "openai", model: "text-embedding-3-large", inputPer1M: 0.13, outputPer1M: 0 },
  // Anthropic (both the old `claude-3-5-haiku` and the new `claude-haiku-4-5` naming)
  { provider: "anthropic", model: "claude-3-5-haiku", inputPer1M: 0.8, outputPer1M: 4 },
  { provider: "anthropic", model: "claude-haiku-4-5", inputPer1M: 1, outputPer1M: 5 },
  { provider: "anthropic", model: "claude-sonnet-4", inputPer1M: 3, outputPer1M: 15 },
  { provider: "anthropic", model: "claude-sonnet-4-5", inputPer1M: 3, outputPer1M: 15 },
  { provider: "anthropic", model: "claude-3-7-sonnet", inputPer1M: 3, outputPer1M: 15 },
  // Google Gemini (paid tier)
  { provider: "gemini", model: "gemini-2.0-flash-lite", inputPer1M: 0.075, outputPer1M: 0.3 },
  { provider: "gemini", model: "gemini-2.0-flash", inputPer1M: 0.1, outputPer1M: 0.4 },
  { provider: "gemini", model: "gemini-2.5-flash-lite", inputPer1M: 0.1, outputPer1M: 0.4 },
  { provider: "gemini", model: "gemini-2.5-flash", inputPer1M: 0.3, outputPer1M: 2.5 },
  { provider: "gemini", model: "gemini-2.5-pro", inputPer1M: 1.25, outputPer1M: 10 },
  { provider: "gemini", model: "text-embedding-004", inputPer1M: 0, outputPer1M: 0 },
  { provider: "gemini", model: "gemini-embedding-001", inputPer1M: 0.15, outputPer1M: 0 },
];
