/**
 * Chart specifications: plain JSON that the report page embeds and its inline script draws.
 * The data stays inspectable (and testable) without a browser.
 */

/** Bars by category; several series draw grouped bars. */
export interface BarChartSpec {
  kind: "bars";
  /** Unique id; drawn elements carry it as `data-chart`. */
  id: string;
  title: string;
  /** Unit shown on the axis and in tooltips (`ms`, `$`, `%`). */
  unit: string;
  /** One entry per bar group (usually a target or strategy). */
  categories: string[];
  /** One value per category per series; `null` draws no bar (unknown). */
  series: { name: string; values: (number | null)[] }[];
  /** Decimal places in labels. Defaults to 2. */
  digits?: number;
}

/** Lines through (x, y) points, e.g. a latency CDF or a rate curve over time. */
export interface LineChartSpec {
  kind: "lines";
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: { name: string; points: [number, number][] }[];
  /** Draw steps instead of straight segments (CDFs). Defaults to false. */
  step?: boolean;
}

export type ChartSpec = BarChartSpec | LineChartSpec;

/** Empirical CDF points of `values` (sorted x, cumulative fraction y), thinned to `maxPoints`. */
export function cdfPoints(values: number[], maxPoints = 200): [number, number][] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return [];
  const step = Math.max(1, Math.ceil(n / maxPoints));
  const points: [number, number][] = [];
  for (let i = 0; i < n; i += step) points.push([sorted[i]!, (i + 1) / n]);
  if (points[points.length - 1]![1] !== 1) points.push([sorted[n - 1]!, 1]);
  return points;
}
