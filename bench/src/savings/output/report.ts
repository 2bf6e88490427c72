import { type ChartSpec, renderReport, type Section } from "../../report/index.js";
import type { SavingsReport } from "../run.js";
import { hourlyCounts, type TraceRequest } from "../trace/trace.js";

const money = (v: number) => `$${v.toFixed(v < 1 ? 4 : 2)}`;
const pct = (v: number | null) => (v === null ? "n/a" : `${(v * 100).toFixed(1)}%`);
const ms = (v: number | null) => (v === null ? "n/a" : v.toFixed(1));
/** "saved 12.0%" or "costs 3.4x": a saving far below −100 % reads better as a multiple. */
export function savedOrCosts(total: number, reference: number): string {
  if (!(reference > 0)) return "n/a";
  const saving = 1 - total / reference;
  return saving >= 0 ? `saved ${(saving * 100).toFixed(1)}%` : `costs ${(total / reference).toFixed(2)}x`;
}

/** Renders savings.html in the same self-contained style as the comparison report. */
export function renderSavingsReport(report: SavingsReport, trace: readonly TraceRequest[]): string {
  const runs = report.runs;
  const s = report.scenario;
  const names = runs.map((r) => r.run);
  const targets = [...new Set(runs.flatMap((r) => Object.keys(r.servedBy)))].sort();
  const baseline = runs.find((r) => r.run === "baseline");
  // Ranked by what the run cost in total (node-hours + external), the baseline included: at a
  // small volume all-external is the cheapest, and the report must say so.
  const best = runs.filter((r) => r.failed === 0).sort((a, b) => a.totalCostUsd - b.totalCostUsd)[0];
  const be = report.breakEven;
  const tok = (v: number) =>
    v >= 1e9
      ? `${(v / 1e9).toFixed(2)}G`
      : v >= 1e6
        ? `${(v / 1e6).toFixed(2)}M`
        : `${(v / 1e3).toFixed(1)}K`;
  const curve = be.curve.map((p) => [p.tokensPerDay, Math.max(-100, p.saving * 100)] as [number, number]);
  const charts: ChartSpec[] = [
    {
      kind: "bars",
      id: "savings-cost",
      title: `Total cost over ${s.simulatedHours} simulated hours (node-hours + external)`,
      unit: "USD",
      digits: 4,
      categories: names,
      series: [{ name: "total", values: runs.map((r) => r.totalCostUsd) }],
    },
    {
      kind: "lines",
      id: "savings-curve",
      title: "Saving vs all-external by daily volume (below −100 % drawn at −100 %)",
      xLabel: "tokens per day (log scale)",
      yLabel: "saving %",
      xScale: "log",
      yMin: -100,
      yMax: 100,
      series: [{ name: "fleet vs all-external", points: curve }],
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
  const sections: Section[] = [
    {
      title: "Summary",
      cards: [
        {
          label: "Requests in trace",
          value: String(report.trace.requests),
          note: `${report.trace.long} long, ${report.trace.short} short`,
        },
        { label: "Simulated duration", value: `${s.simulatedHours} h`, note: `${s.durationMs} ms real` },
        ...(baseline ? [{ label: "All-external baseline", value: money(baseline.totalCostUsd) }] : []),
        ...(best
          ? [
              {
                label: "Cheapest run (total)",
                value: best.run,
                note:
                  `${money(best.totalCostUsd)} vs ${money(best.referenceCostUsd)} all-external ` +
                  `(${savedOrCosts(best.totalCostUsd, best.referenceCostUsd)})`,
              },
            ]
          : []),
        { label: "Trace volume", value: `${tok(be.traceTokensPerDay)} tokens/day` },
        {
          label: "Break-even fleet",
          value:
            be.fleetBreakEvenTokensPerDay === null
              ? "never"
              : `${tok(be.fleetBreakEvenTokensPerDay)} tokens/day`,
          note: "all pools as deployed vs all-external",
        },
        ...be.pools.map((p) => ({
          label: `Break-even ${p.name}`,
          value: p.breakEvenTokensPerDay === null ? "never" : `${tok(p.breakEvenTokensPerDay)} tokens/day`,
          note: p.breakEvenTokensPerDay === null ? p.note : `capacity ${tok(p.capacityTokensPerDay)}/day`,
        })),
      ],
      tables: [
        {
          caption: "Per run",
          headers: [
            "run",
            "total",
            "node-hours $",
            "external $",
            "all-external $",
            "total vs all-external",
            "token-attributed $",
            "$ / 1K tokens (token-attributed)",
            "token-attributed saving",
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
            money(r.totalCostUsd),
            money(r.nodeCostUsd),
            money(r.externalCostUsd),
            money(r.referenceCostUsd),
            savedOrCosts(r.totalCostUsd, r.referenceCostUsd),
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
    {
      title: "Break-even",
      paragraphs: [
        `At daily volume V a pool displaces V × the all-external reference ($${(be.referenceUsdPerToken * 1000).toFixed(5)} ` +
          "per 1K tokens for this trace's input/output mix) and costs fixed + V × variable: always on, fixed is 24 " +
          "node-hours and variable 0 (the nodes are paid either way); scaling to zero, fixed is " +
          `${be.wakesPerDay} wake-up(s) a day (the replays' median), each its warm-up plus idle cool-down at its ` +
          "node price, and variable its busy node time ($/h ÷ capacity tokens/h). It pays off above " +
          "fixed ÷ (reference − variable), if that fits its capacity. The curve fills the pools cheapest per token " +
          "first, wakes a scale-to-zero pool only when its share pays for the wake-ups, and sends the rest external.",
      ],
      tables: [
        {
          caption: "Per pool",
          headers: [
            "pool",
            "kind",
            "$/h",
            "capacity tokens/day",
            "fixed $/day",
            "variable $/1K",
            "break-even tokens/day",
          ],
          rows: be.pools.map((p) => [
            p.name,
            p.scaleToZero ? "scale to zero" : "always on",
            p.costPerHour,
            tok(p.capacityTokensPerDay),
            p.fixedUsdPerDay.toFixed(2),
            (p.variableUsdPerToken * 1000).toFixed(5),
            p.breakEvenTokensPerDay === null ? `never (${p.note})` : tok(p.breakEvenTokensPerDay),
          ]),
        },
        {
          caption: "Saving vs all-external by daily volume",
          headers: ["tokens/day", "all-external $/day", "fleet $/day", "saving"],
          rows: be.curve.map((p) => [
            tok(p.tokensPerDay),
            p.allExternalUsdPerDay.toFixed(2),
            p.fleetUsdPerDay.toFixed(2),
            pct(p.saving),
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
        `Total cost is what the run cost over its ${s.simulatedHours} simulated hours: the node-hours of every ` +
          "pool (an always-on pool all of it; a scale-to-zero pool from each wake-up signal through warm-up, " +
          "busy time and its idle cool-down window) times its price, plus what the external providers charged. " +
          "It is compared with the same successful requests at the all-external reference price (each request " +
          "at the cheapest external provider for its input/output mix). Token-attributed cost (clusters at cost " +
          "per hour over throughput, as if always busy) is kept beside it, as is the router's own estimate; " +
          "neither counts idle nodes. The all-external baseline routes through the router with no clusters.",
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
