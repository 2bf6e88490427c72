import { hashSeed, intBetween, mulberry32 } from "@llm/testing";
import type { SavingsScenario } from "../scenario/schema.js";

/** One request of the replayed trace. */
export interface TraceRequest {
  /** 0-based position; also the `x-bench-request-id` the fakes seed on. */
  id: number;
  /** Real ms after the replay start at which the request is sent. */
  atMs: number;
  /** Simulated hour of day (for the report's rate curve). */
  hour: number;
  kind: "short" | "long";
  promptTokens: number;
  maxTokens: number;
}

/** Relative request rate at simulated hour `h`: 1 + A·cos(2π(h - peak)/24), never below 0. */
export function diurnalRate(h: number, amplitude: number, peakHour: number): number {
  return Math.max(0, 1 + amplitude * Math.cos((2 * Math.PI * (h - peakHour)) / 24));
}

/**
 * A seeded request trace: arrival times from a non-homogeneous Poisson process following the
 * diurnal curve (thinning), compressed into `durationMs`; each request short or long with
 * prompt size and max_tokens drawn from the scenario's ranges. Same seed, same trace.
 */
export function generateTrace(s: SavingsScenario): TraceRequest[] {
  const rand = mulberry32(hashSeed(s.seed, "trace"));
  const peak = 1 + s.diurnalAmplitude;
  // Draw arrival hours by thinning, then keep exactly `requests` of them in order.
  const hours: number[] = [];
  while (hours.length < s.requests) {
    const h = rand() * s.simulatedHours;
    if (rand() * peak <= diurnalRate(h, s.diurnalAmplitude, s.peakHour)) hours.push(h);
  }
  hours.sort((a, b) => a - b);
  return hours.map((hour, id) => {
    const long = rand() < s.longFraction;
    const range = long ? s.long : s.short;
    return {
      id,
      atMs: Math.round((hour / s.simulatedHours) * s.durationMs * 1000) / 1000,
      hour,
      kind: long ? "long" : "short",
      promptTokens: intBetween(rand, range.promptTokens[0], range.promptTokens[1]),
      maxTokens: intBetween(rand, range.maxTokens[0], range.maxTokens[1]),
    };
  });
}

/** Prompt text of about `tokens` tokens (4 characters each, as the fakes count). */
export function promptText(id: number, tokens: number): string {
  const head = `Request ${id}: summarise the following notes. `;
  const filler = "lorem ipsum dolor sit amet ";
  let text = head;
  while (text.length < tokens * 4) text += filler;
  return text.slice(0, tokens * 4);
}

/** Requests per simulated hour, for the report's rate chart. */
export function hourlyCounts(trace: readonly TraceRequest[], hours: number): [number, number][] {
  const counts = new Array(Math.ceil(hours)).fill(0) as number[];
  for (const r of trace) counts[Math.min(counts.length - 1, Math.floor(r.hour))]!++;
  return counts.map((c, h) => [h, c]);
}
