import { z } from "zod";

const totals = {
  costUsd: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  requests: z.number(),
  /** Requests that ended with status >= 400 (newer routers). */
  errors: z.number().optional(),
};

/**
 * Body of the router's `GET /admin/usage?from&to&groupBy=target` (router/src/admin/router.ts):
 * `{ from, to, groupBy, resolution, totals, breakdown: [{ key, ... }] }`. The draft shape
 * `{ total, groups }` is accepted as well.
 */
export const usageResponseSchema = z.preprocess(
  (v) => {
    if (!v || typeof v !== "object") return v;
    const o = v as Record<string, unknown>;
    return { ...o, totals: o.totals ?? o.total, breakdown: o.breakdown ?? o.groups };
  },
  z
    .object({
      from: z.string(),
      to: z.string(),
      groupBy: z.string().optional(),
      /** `records` (exact) or `hourly` (rounded to whole hours). */
      resolution: z.string().optional(),
      totals: z.object(totals).loose(),
      breakdown: z.array(z.object({ key: z.string(), ...totals }).loose()),
    })
    .loose(),
);
export type UsageResponse = z.output<typeof usageResponseSchema>;

/** Spend totals over a time range. */
export interface UsageTotals {
  costUsd: number;
  promptTokens: number;
  completionTokens: number;
  requests: number;
  /** Failed requests, when the router reports them. */
  errors?: number;
}

/** What `getCosts` returns: the total and the breakdown by router target (most expensive first). */
export interface CostReport {
  from: string;
  to: string;
  /** `records` (exact) or `hourly` (range widened to whole hours), as the router says. */
  resolution?: string;
  total: UsageTotals;
  byTarget: (UsageTotals & { target: string })[];
}

export function toCostReport(body: unknown): CostReport {
  const parsed = usageResponseSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TypeError(
      `unexpected /admin/usage response: ${issue.path.join(".") || "body"}: ${issue.message}`,
    );
  }
  const u = parsed.data;
  const pick = (t: UsageTotals): UsageTotals => ({
    costUsd: t.costUsd,
    promptTokens: t.promptTokens,
    completionTokens: t.completionTokens,
    requests: t.requests,
    ...(t.errors !== undefined ? { errors: t.errors } : {}),
  });
  return {
    from: u.from,
    to: u.to,
    ...(u.resolution ? { resolution: u.resolution } : {}),
    total: pick(u.totals),
    byTarget: u.breakdown.map((g) => ({ target: g.key, ...pick(g) })).sort((a, b) => b.costUsd - a.costUsd),
  };
}

/** Accepts a Date, an ISO string or epoch milliseconds; returns ISO 8601. */
export function toIso(value: Date | string | number, field: string): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new TypeError(`${field}: not a valid date`);
  return d.toISOString();
}
