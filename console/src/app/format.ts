/** Display helpers shared by the pages. */

/** USD with enough digits for per-request amounts (cluster answers cost fractions of a cent). */
export function fmtUsd(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  if (v === 0) return "$0";
  const abs = Math.abs(v);
  if (abs >= 1) return `$${v.toFixed(2)}`;
  if (abs >= 0.01) return `$${v.toFixed(4)}`;
  // Three significant digits without an exponent (toPrecision would print 8.26e-7).
  const digits = Math.min(12, 2 - Math.floor(Math.log10(abs)));
  return `$${v.toFixed(digits)}`;
}

export function fmtMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
}

export function fmtNum(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return v >= 1e6
    ? `${(v / 1e6).toFixed(1)}M`
    : v >= 1e4
      ? `${(v / 1e3).toFixed(1)}k`
      : String(Math.round(v * 100) / 100);
}

export function fmtTime(t: string | number | undefined): string {
  if (t === undefined) return "—";
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toLocaleTimeString();
}

/** Short USD tick labels: two significant digits, exponent-free for the small amounts charts show. */
export function fmtAxisUsd(v: number): string {
  if (v === 0) return "0";
  const abs = Math.abs(v);
  if (abs >= 1) return `$${v.toFixed(abs >= 100 ? 0 : 2)}`;
  const digits = Math.min(8, Math.max(2, 1 - Math.floor(Math.log10(abs))));
  return `$${v.toFixed(digits)}`.replace(/(\.\d*?[1-9])0+$/, "$1");
}

/**
 * Month-end projection from this month's run rate: spent so far / days elapsed × days in the month,
 * in UTC like the router's monthly budget period.
 */
export function projectMonth(spent: number, now = new Date()): number {
  const days = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate();
  const elapsed = Math.max(1 / 24, now.getUTCDate() - 1 + now.getUTCHours() / 24);
  return (spent / elapsed) * days;
}
