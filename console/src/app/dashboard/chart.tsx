import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

export interface Series {
  label: string;
  values: (number | null)[];
}

/** A palette that stays distinguishable for the first 8 series (Okabe-Ito, colour-blind safe). */
const COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

/**
 * A uPlot line chart of `series` over `times` (epoch seconds), sized to its container and redrawn
 * when the data changes. uPlot draws on canvas, so the figures are also given as a text summary.
 */
export function TimeChart(p: {
  title: string;
  times: number[];
  series: Series[];
  /** Values in the legend and the text summary. */
  format: (v: number) => string;
  /** Tick labels (short). Defaults to `format`. */
  axis?: (v: number) => string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = p.axis ?? p.format;
    const width = Math.max(240, el.clientWidth);
    const opts: uPlot.Options = {
      width,
      height: 200,
      series: [
        {},
        ...p.series.map((s, i) => ({
          label: s.label,
          stroke: COLORS[i % COLORS.length],
          width: 2,
          points: { show: true, size: 4 },
          value: (_u: uPlot, v: number | null) => (v === null ? "—" : p.format(v)),
        })),
      ],
      axes: [{}, { values: (_u: uPlot, vals: number[]) => vals.map((v) => axis(v)), size: 84 }],
      legend: { show: true, live: false }, // labels only: values are in the text summary
      cursor: { drag: { x: false, y: false } },
    };
    const chart = new uPlot(opts, [p.times, ...p.series.map((s) => s.values)] as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(240, el.clientWidth), height: 200 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [p.times, p.series, p.format, p.axis]);
  const totals = p.series.map(
    (s) => `${s.label}: ${p.format(s.values.reduce<number>((a, v) => a + (v ?? 0), 0))}`,
  );
  return (
    <figure class="chart">
      <figcaption>{p.title}</figcaption>
      <div ref={box} role="img" aria-label={`${p.title}. Totals: ${totals.join(", ") || "no data"}`} />
    </figure>
  );
}
