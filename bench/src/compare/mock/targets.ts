import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import type { MockTargetConfig } from "../config/schema.js";

/** Per-token latency of a mock target: explicit, or derived from tokens/s (p95 = 1.3x median). */
export function perTokenModel(t: MockTargetConfig): { median: number; p95: number } {
  if (t.perTokenMs) return t.perTokenMs;
  const median = 1000 / (t.tokensPerSecond ?? 1);
  return { median, p95: median * 1.3 };
}

/** Starts the local server that plays a `mock` target. */
export function startMockTarget(t: MockTargetConfig, seed: number, timeScale = 1): Promise<FakeOpenAI> {
  return startFakeOpenAI({
    name: t.name,
    model: t.model,
    seed,
    ttftMs: t.ttftMs,
    perTokenMs: perTokenModel(t),
    errorRate: t.errorRate,
    outputTokens: t.outputTokens,
    timeScale,
    record: false,
  });
}
