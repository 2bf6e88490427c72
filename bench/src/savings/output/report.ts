import { type ChartSpec, renderReport, type Section } from "../../report/index.js";
import type { SavingsReport } from "../run.js";
import { hourlyCounts, type TraceRequest } from "../trace/trace.js";

const money = (v: number) => `$${v.toFixed(v < 1 ? 4 : 2)}`;
const pct = (v: number | null) => (v === null ? "n/a" : `${(v * 100).toFixed(1)}%`);
const ms = (v: number | null) => (v === null ? "n/a" : v.toFixed(1));

/** Renders savings.html in the same self-contained style as the comparison report. */
export function renderSavingsReport(report: SavingsReport, trace: readonly TraceRequest[]): string {
  const runs = report.runs;
  const names = runs.map((r) => r.run);
  const targets = [...new Set(runs.flatMap((r) => Object.keys(r.servedBy)))].sort();
  const baseline = runs.find((r) => r.run === "baseline");
  const best = runs
    .filter((r) => r.run !== "baseline" && r.failed === 0)
    .sort((a, b) => a.costUsd - b.costUsd)[0];
  const charts: ChartSpec[] = [
    {
      kind: "bars",
      id: "savings-cost",
      title: "Total cost of the trace",
      unit: "USD",
      digits: 4,
      categories: names,
      series: [{ name: "cost", values: runs.map((r) => r.costUsd) }],
    },
    {
      kind: "bars",
      id: "savings-cost-per-1k",
      title: "Cost per 1K tokens",
      unit: "$ / 1K tokens",
      digits: 5,
      categories: names,
      series: [{ name: "$/1K", values: runs.map((r) => r.costPer1kTokens) }],
    },
    {
      kind: "bars",
      id: "savings-latency",
      title: "Latency (real ms, scaled-down latency models)",
      unit: "ms",
      digits: 0,
      categories: names,
      series: [
        { name: "p50", values: runs.map((r) => r.latencyMs.p50) },
        { name: "p95", values: runs.map((r) => r.latencyMs.p95) },
      ],
    },
    {
      kind: "bars",
      id: "savings-served-by",
      title: "Requests served by target",
      unit: "requests",
      digits: 0,
      categories: names,
      series: targets.map((t) => ({ name: t, values: runs.map((r) => r.servedBy[t] ?? 0) })),
    },
    {
      kind: "bars",
      id: "savings-failures",
      title: "Failed requests and failovers",
      unit: "requests",
      digits: 0,
      categories: names,
      series: [
        { name: "failed", values: runs.map((r) => r.failed) },
        { name: "failovers", values: runs.map((r) => r.failovers) },
        { name: "cold bypassed", values: runs.map((r) => r.coldBypassed) },
      ],
    },
    {
      kind: "lines",
      id: "savings-trace-rate",
      title: "Trace: requests per simulated hour (diurnal curve)",
      xLabel: "simulated hour",
      yLabel: "requests",
      series: [{ name: "requests", points: hourlyCounts(trace, report.scenario.simulatedHours) }],
    },
  ];
  const s = report.scenario;
  const sections: Section[] = [
    {
      title: "Summary",
      cards: [
        {
          label: "Requests in trace",
          value: String(report.trace.requests),
          note: `${report.trace.long} long, ${report.trace.short} short`,
        },
        ...(baseline ? [{ label: "All-external baseline", value: money(baseline.costUsd) }] : []),
        ...(best
          ? [
              {
                label: "Cheapest strategy",
                value: best.run,
                note: `${money(best.costUsd)} (${pct(best.savingsVsBaseline)} saved)`,
              },
            ]
          : []),
      ],
      tables: [
        {
          caption: "Per run",
          headers: [
            "run",
            "cost",
            "$ / 1K tokens",
            "saved vs baseline",
            "p50 ms",
            "p95 ms",
            "failed",
            "failovers",
            "GPU cold at arrival",
            "cold starts",
            "GPU warm",
            "GPU warm cost",
            "router-reported cost",
          ],
          rows: runs.map((r) => [
            r.run,
            money(r.costUsd),
            r.costPer1kTokens === null ? "n/a" : r.costPer1kTokens.toFixed(5),
            pct(r.savingsVsBaseline),
            ms(r.latencyMs.p50),
            ms(r.latencyMs.p95),
            r.failed,
            r.failovers,
            pct(r.gpuColdAtArrival),
            r.coldStarts,
            pct(r.gpuWarmFraction),
            money(r.gpuWarmCostUsd),
            r.routerReportedCostUsd === null ? "n/a" : money(r.routerReportedCostUsd),
          ]),
        },
      ],
    },
    { title: "Charts", charts },
    {
      title: "How it was measured",
      paragraphs: [
        `A seeded trace (seed ${s.seed}) of ${s.requests} requests spread over ${s.simulatedHours} simulated hours ` +
          `on a diurnal curve (amplitude ${s.diurnalAmplitude}, peak at hour ${s.peakHour}) was replayed in ` +
          `${s.durationMs} ms of real time through the real router (router/src startRouter) once per run, each ` +
          "time with fresh fake cluster runtimes and fake external providers speaking OpenAI's wire format.",
        "Cost is attributed per request the way the router's cost engine prices it: clusters at cost per hour " +
          "divided by throughput, external providers at their input/output prices. GPU warm cost is the " +
          "node-hours the scale-to-zero pool spent warm (simulated) times its price: the idle cost that " +
          "token attribution does not show. The all-external baseline routes through the router with no clusters.",
        "A stand-in for KEDA reads the router's /scaling/:target signal, wakes a cold pool after its cold-start " +
          "delay and takes it to zero after its idle window (both in simulated minutes).",
      ],
      tables: [
        {
          caption: "Fleet",
          headers: ["target", "kind", "price", "speed"],
          rows: [
            ...s.clusters.map((c) => [
              c.name,
              `cluster (${c.pool}${c.scaleToZero ? ", scale to zero" : ""})`,
              `$${c.costPerHour}/h → $${((c.costPerHour / (c.tokensPerSecond * 3600)) * 1000).toFixed(5)}/1K`,
              `${c.tokensPerSecond} tokens/s`,
            ]),
            ...s.externals.map((e) => [
              e.name,
              `external (${e.model})`,
              `$${e.inputPer1M}/$${e.outputPer1M} per 1M in/out`,
              "-",
            ]),
          ],
        },
      ],
    },
  ];
  return renderReport({
    title: "Cost savings replay",
    subtitle: `${report.generatedAt} · seed ${s.seed} · ${s.requests} requests · ${runs.length} runs`,
    sections,
  });
}
