import { type ChartSpec, cdfPoints, percentAxisMin, renderReport, type Section } from "../../report/index.js";
import type { Weights } from "../config/schema.js";
import type { RequestRecord } from "../load/runner.js";
import type { CompareSummary } from "./summary.js";

const f = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined ? "n/a" : v.toFixed(digits);

/** Renders report.html for a comparison run. */
export function renderCompareReport(summary: CompareSummary, records: readonly RequestRecord[]): string {
  const ts = summary.targets;
  const names = ts.map((t) => t.target);
  const best = ts.find((t) => t.target === summary.ranking.bestScore);
  const cheapest = ts.find((t) => t.target === summary.ranking.cheapest);
  const successes = ts.map((t) => t.successRate * 100);
  const charts: ChartSpec[] = [
    {
      kind: "lines",
      id: "latency-cdf",
      title: "Latency distribution (CDF of end-to-end latency, successful requests)",
      xLabel: "latency (ms)",
      yLabel: "fraction of requests",
      step: true,
      series: ts.map((t) => ({
        name: t.target,
        points: cdfPoints(records.filter((r) => r.target === t.target && r.ok).map((r) => r.latencyMs)),
      })),
    },
    {
      kind: "bars",
      id: "latency-percentiles",
      title: "Latency percentiles",
      unit: "ms",
      digits: 0,
      categories: names,
      series: [
        { name: "TTFT p50", values: ts.map((t) => t.ttftMs.p50) },
        { name: "p50", values: ts.map((t) => t.latencyMs.p50) },
        { name: "p95", values: ts.map((t) => t.latencyMs.p95) },
        { name: "p99", values: ts.map((t) => t.latencyMs.p99) },
      ],
    },
    {
      kind: "bars",
      id: "cost",
      title: "Cost per 1K tokens",
      unit: "$ / 1K tokens",
      digits: 5,
      categories: names,
      series: [{ name: "$/1K", values: ts.map((t) => t.costPer1kTokens) }],
    },
    {
      kind: "bars",
      id: "success",
      title: "Success rate",
      unit: "%",
      digits: 1,
      // All above 90 %: start the axis under the lowest, or 96.7 % and 100 % look the same.
      yMin: percentAxisMin(successes),
      categories: names,
      series: [{ name: "success", values: successes }],
    },
    {
      kind: "bars",
      id: "throughput",
      title: "Decode throughput (median per request)",
      unit: "tokens/s",
      digits: 1,
      categories: names,
      series: [{ name: "tokens/s", values: ts.map((t) => t.tokensPerSecond.median) }],
    },
    {
      kind: "bars",
      id: "score",
      title: "Composite score",
      unit: "score",
      digits: 1,
      categories: names,
      series: [{ name: "score", values: ts.map((t) => t.score.total) }],
    },
  ];
  const sections: Section[] = [
    {
      title: "Summary",
      cards: [
        { label: "Targets", value: String(ts.length) },
        {
          label: "Requests per target",
          value: String(summary.run.requests),
          note: `concurrency ${summary.run.concurrency}`,
        },
        ...(best
          ? [{ label: "Best score", value: `${best.target}`, note: `${best.score.total} / 100` }]
          : []),
        {
          label: "Cheapest",
          value: cheapest ? cheapest.target : "none priced",
          note: cheapest ? `$${f(cheapest.costPer1kTokens, 5)} / 1K tokens` : "no target has a price",
        },
        ...(summary.ranking.unpriced.length
          ? [{ label: "Unpriced (not ranked)", value: summary.ranking.unpriced.join(", ") }]
          : []),
      ],
      tables: [
        {
          caption: "Per target",
          headers: [
            "target",
            "type",
            "success %",
            "TTFT p50 ms",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "tokens/s",
            "$ / 1K tokens",
            "total $",
            "score",
          ],
          rows: ts.map((t) => [
            t.target,
            t.type,
            f(t.successRate * 100),
            f(t.ttftMs.p50),
            f(t.latencyMs.p50),
            f(t.latencyMs.p95),
            f(t.latencyMs.p99),
            f(t.tokensPerSecond.median),
            f(t.costPer1kTokens, 5),
            f(t.costUsd, 5),
            t.score.note ? `${f(t.score.total)} (${t.score.note})` : f(t.score.total),
          ]),
        },
      ],
    },
    { title: "Charts", charts },
    {
      title: "How the score is computed",
      paragraphs: [scoreExplanation(summary.run.weights)],
      tables: [
        {
          headers: ["target", "latency", "cost", "reliability", "throughput", "total"],
          rows: ts.map((t) => [
            t.target,
            f(t.score.latency, 3),
            f(t.score.cost, 3),
            f(t.score.reliability, 3),
            f(t.score.throughput, 3),
            f(t.score.total),
          ]),
        },
      ],
    },
  ];
  return renderReport({
    title: "Multi-cloud LLM comparison",
    subtitle: `${summary.run.startedAt} · seed ${summary.run.seed} · max_tokens ${summary.run.maxTokens}`,
    sections,
  });
}

export function scoreExplanation(w: Weights): string {
  return (
    `Each component is normalised across the targets of this run: latency = best p95 / p95; ` +
    `cost = cheapest $/1K / $/1K; reliability = success rate; throughput = tokens/s / best tokens/s. ` +
    `Score = 100 × Σ wᵢ·sᵢ / Σ wᵢ with weights latency ${w.latency}, cost ${w.cost}, ` +
    `reliability ${w.reliability}, throughput ${w.throughput}; a target without a price is scored on the other weights, ` +
    "marked unpriced, and ranked neither cheapest nor best while priced targets exist."
  );
}
