import { z } from "zod";

const totals = {
  costUsd: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  requests: z.number(),
};

/** Body of the router's `GET /admin/usage?from&to&groupBy=target`. */
export const usageResponseSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    groupBy: z.string().optional(),
    total: z.object(totals).loose(),
    groups: z.array(z.object({ key: z.string(), ...totals }).loose()),
  })
  .loose();
export type UsageResponse = z.infer<typeof usageResponseSchema>;

/** Spend totals over a time range. */
export interface UsageTotals {
  costUsd: number;
  promptTokens: number;
  completionTokens: number;
  requests: number;
}

/** What `getCosts` returns: the total and the breakdown by router target (most expensive first). */
export interface CostReport {
  from: string;
  to: string;
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
  });
  return {
    from: u.from,
    to: u.to,
    total: pick(u.total),
    byTarget: u.groups.map((g) => ({ target: g.key, ...pick(g) })).sort((a, b) => b.costUsd - a.costUsd),
  };
}

/** Accepts a Date, an ISO string or epoch milliseconds; returns ISO 8601. */
export function toIso(value: Date | string | number, field: string): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new TypeError(`${field}: not a valid date`);
  return d.toISOString();
}
