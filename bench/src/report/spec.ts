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
  /**
   * Lower end of the value axis. Defaults to 0; a rate that is all above 90 % sets it higher so the
   * differences show (bars then start at the axis, which the chart says under its title).
   */
  yMin?: number;
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
  /** `log` for a quantity spanning decades (tokens per day); x must then be > 0. Defaults to `linear`. */
  xScale?: "linear" | "log";
  /** Fixed y range; points outside are clamped. Defaults to the data's range, 0 included. */
  yMin?: number;
  yMax?: number;
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

/**
 * Round axis ticks covering [min, max]: a step of 1, 2 or 5 × 10^k giving about `count` intervals,
 * ends widened to multiples of the step. Also inlined into the report's chart script.
 */
export function niceTicks(
  min: number,
  max: number,
  count = 5,
): { lo: number; hi: number; step: number; values: number[] } {
  const top = max > min ? max : min + (min === 0 ? 1 : Math.abs(min));
  const raw = (top - min) / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  // No inner functions: this body is inlined into the report by toString(), and tsx's keepNames
  // would wrap an inner arrow in a `__name` helper the page does not have.
  const decimals = Math.max(0, -Math.floor(Math.log10(p)));
  const step = Number(((f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p).toFixed(decimals));
  const lo = Number((Math.floor(min / step + 1e-9) * step).toFixed(decimals));
  const hi = Number((Math.ceil(top / step - 1e-9) * step).toFixed(decimals));
  const values: number[] = [];
  for (let i = 0; lo + i * step <= hi + step / 2; i++) values.push(Number((lo + i * step).toFixed(decimals)));
  return { lo, hi, step, values };
}

/**
 * Lower end of a percentage axis: 0, unless every value is above 90 %, then the round value
 * (multiple of 5) under the smallest one, so 96.7 % and 100 % do not draw as equal bars.
 */
export function percentAxisMin(values: readonly (number | null)[]): number {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (!v.length || Math.min(...v) <= 90) return 0;
  return Math.max(0, Math.floor((Math.min(...v) - 1) / 5) * 5);
}
