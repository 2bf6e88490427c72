import { type SavingsScenario, savingsScenario } from "./schema.js";

/**
 * The built-in scenario: an always-on CPU pool (TinyLlama-class), a spot T4 GPU pool that scales
 * to zero (7B-class), and two external providers priced like a large and a small hosted model.
 * Prices are list-price-like assumptions, stated here so the report can be re-derived.
 */
export const DEFAULT_SCENARIO_INPUT = {
  seed: 42,
  requests: 200,
  durationMs: 4000,
  clusters: [
    {
      name: "aws-cpu",
      pool: "cpu",
      costPerHour: 0.17, // c6i.xlarge on-demand
      tokensPerSecond: 30,
      ttftMs: { median: 40, p95: 90 },
    },
    {
      name: "aws-gpu",
      pool: "gpu",
      costPerHour: 0.21, // g4dn.xlarge spot
      tokensPerSecond: 90,
      ttftMs: { median: 15, p95: 40 },
      scaleToZero: true,
      coldStartMinutes: 6,
      scaleDownAfterMinutes: 30,
    },
  ],
  externals: [
    {
      name: "openai",
      model: "gpt-4o",
      inputPer1M: 2.5,
      outputPer1M: 10,
      ttftMs: { median: 30, p95: 80 },
      perTokenMs: { median: 0.3, p95: 0.6 },
    },
    {
      name: "anthropic-haiku",
      model: "claude-haiku",
      inputPer1M: 0.8,
      outputPer1M: 4,
      ttftMs: { median: 35, p95: 90 },
      perTokenMs: { median: 0.35, p95: 0.7 },
    },
  ],
  failure: { strategy: "hybrid", cluster: "aws-gpu", at: 0.5 }, // the spot GPU pool is reclaimed mid-day
} as const;

export function defaultScenario(overrides: Partial<SavingsScenario> = {}): SavingsScenario {
  return savingsScenario.parse({ ...DEFAULT_SCENARIO_INPUT, ...overrides });
}
