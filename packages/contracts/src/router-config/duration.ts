import { z } from "zod";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * "500ms", "10s", "2m", "1h" or a bare number of seconds, as the Go project wrote durations,
 * to milliseconds; undefined when the text is none of those. Written here rather than taken from
 * `ms` because contracts depend on zod and yaml only (and `ms` reads a bare "10" as 10 ms, not seconds).
 */
export function parseDurationMs(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * (UNIT_MS[m[2] ?? "s"] ?? 1000);
}

/** A config duration (see parseDurationMs; a YAML number is seconds). Parses to milliseconds. */
export const durationSchema = z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === "number") return v * 1000;
  const ms = parseDurationMs(v);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `Invalid duration "${v}" (use e.g. 500ms, 10s, 2m or seconds)` });
    return z.NEVER;
  }
  return ms;
});
