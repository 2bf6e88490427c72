/** Budget periods are UTC calendar days and months; counters are keyed by period so they reset by themselves. */
export type Period = "daily" | "monthly";

export function periodId(period: Period, now: number): string {
  const iso = new Date(now).toISOString();
  return period === "daily" ? iso.slice(0, 10) : iso.slice(0, 7);
}

/** Counter lifetime: long enough to outlive the period (and be read by /admin/budgets for it). */
export function periodTtlSec(period: Period): number {
  return period === "daily" ? 2 * 86_400 : 35 * 86_400;
}

/** Seconds until the period ends (what Retry-After says for an exhausted budget). */
export function secondsToPeriodEnd(period: Period, now: number): number {
  const d = new Date(now);
  const end =
    period === "daily"
      ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)
      : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((end - now) / 1000));
}
