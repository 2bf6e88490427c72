import { z } from "zod";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration as the Go project wrote them ("10s", "500ms", "2m") or a bare number of seconds.
 * Parses to milliseconds.
 */
export const duration = z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === "number") return v * 1000;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(v);
  if (!m) {
    ctx.addIssue({ code: "custom", message: `Invalid duration "${v}" (use e.g. 500ms, 10s, 2m or seconds)` });
    return z.NEVER;
  }
  return Number(m[1]) * (UNIT_MS[m[2] ?? "s"] ?? 1000);
});
