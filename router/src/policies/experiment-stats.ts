import type { Registry } from "prom-client";
import type { KeyValueStore } from "../state/key-value.js";
import type { UsageRecord, UsageSink } from "../usage/types.js";
import type { CompiledExperiment } from "./compile.js";
import { policyMetrics } from "./metrics.js";
import { bucketQuantile, type Interval, newcombeDifference, welchDifference } from "./stats-math.js";

/** Upper bounds (ms) of the latency buckets an arm's p50/p95 are read from. */
export const LATENCY_BOUNDS_MS = [
  5,
  10,
  25,
  50,
  75,
  100,
  150,
  200,
  300,
  400,
  500,
  750,
  1000,
  1500,
  2000,
  3000,
  5000,
  7500,
  10_000,
  15_000,
  30_000,
  60_000,
  120_000,
  Number.POSITIVE_INFINITY,
];

const FIELDS = [
  "requests",
  "errors",
  "latencySum",
  "latencySumSq",
  "promptTokens",
  "completionTokens",
  "costUsd",
] as const;
type Field = (typeof FIELDS)[number];

/** Counters kept this long after their last write (an experiment's report outlives it a while). */
const TTL_MS = 90 * 86_400_000;

/**
 * Per-arm counters built from usage records: counts, errors, latency moments and buckets, tokens
 * and cost, kept in the state store's key/value API (Redis when replicas share one), so every
 * replica's traffic adds to the same totals and GET /admin/experiments/{name} sees all of it.
 */
export class ExperimentStats {
  constructor(private readonly kv: KeyValueStore) {}

  private key(experiment: string, arm: string, field: string): string {
    return `${experiment}\u001f${arm}\u001f${field}`;
  }

  /** Adds one usage record that carries an experiment. */
  async add(rec: UsageRecord): Promise<void> {
    const e = rec.experiment;
    if (!e) return;
    const bucket = LATENCY_BOUNDS_MS.findIndex((b) => rec.latencyMs <= b);
    const adds: [string, number][] = [
      ["requests", 1],
      ["errors", rec.status >= 400 ? 1 : 0],
      ["latencySum", rec.latencyMs],
      ["latencySumSq", rec.latencyMs * rec.latencyMs],
      ["promptTokens", rec.promptTokens],
      ["completionTokens", rec.completionTokens],
      ["costUsd", rec.costUsd],
      [`b${bucket}`, 1],
    ];
    await Promise.all(
      adds
        .filter(([, by]) => by !== 0)
        .map(([f, by]) => this.kv.incr(this.key(e.id, e.arm, f), by, { ttlMs: TTL_MS })),
    );
  }

  /** One arm's totals. */
  async arm(experiment: string, arm: string): Promise<ArmTotals> {
    const names = [...FIELDS, ...LATENCY_BOUNDS_MS.map((_, i) => `b${i}`)];
    const values = await this.kv.getMany(names.map((f) => this.key(experiment, arm, f)));
    const num = (i: number) => Number(values[i] ?? 0) || 0;
    const out = Object.fromEntries(FIELDS.map((f, i) => [f, num(i)])) as Record<Field, number>;
    return { ...out, buckets: LATENCY_BOUNDS_MS.map((_, i) => num(FIELDS.length + i)) };
  }

  /** The report of GET /admin/experiments/{name}: every arm against the first (control) one. */
  async report(e: CompiledExperiment, now: number): Promise<ExperimentReport> {
    const totals = await Promise.all(e.arms.map((a) => this.arm(e.name, a.name)));
    const arms = e.arms.map((a, i) => armReport(a, totals[i] as ArmTotals));
    const control = totals[0] as ArmTotals;
    const comparisons = e.arms.slice(1).map((a, j) => {
      const t = totals[j + 1] as ArmTotals;
      return {
        arm: a.name,
        against: e.arms[0]?.name ?? "",
        errorRate: newcombeDifference(t.errors, t.requests, control.errors, control.requests) ?? null,
        meanLatencyMs:
          welchDifference(
            { n: t.requests, sum: t.latencySum, sumSq: t.latencySumSq },
            { n: control.requests, sum: control.latencySum, sumSq: control.latencySumSq },
          ) ?? null,
      };
    });
    return {
      object: "experiment",
      name: e.name,
      group: e.config.group,
      start: Number.isFinite(e.start) ? new Date(e.start).toISOString() : null,
      end: Number.isFinite(e.end) ? new Date(e.end).toISOString() : null,
      active: now >= e.start && now < e.end,
      method: {
        errorRate:
          "difference of proportions (arm - control), 95% Newcombe hybrid score interval (Wilson score per arm)",
        meanLatencyMs: "difference of means (arm - control), 95% Welch t interval (Welch-Satterthwaite df)",
        percentiles: "interpolated within fixed latency buckets (ms bounds in latencyBucketsMs)",
      },
      latencyBucketsMs: LATENCY_BOUNDS_MS.filter(Number.isFinite),
      arms,
      comparisons,
    };
  }
}

export interface ArmTotals extends Record<Field, number> {
  buckets: number[];
}

function armReport(a: CompiledExperiment["arms"][number], t: ArmTotals) {
  const tokens = t.promptTokens + t.completionTokens;
  return {
    name: a.name,
    target: a.target,
    weight: a.weight,
    requests: t.requests,
    errors: t.errors,
    errorRate: t.requests > 0 ? t.errors / t.requests : null,
    latencyMs: {
      mean: t.requests > 0 ? t.latencySum / t.requests : null,
      p50: bucketQuantile(LATENCY_BOUNDS_MS, t.buckets, 0.5) ?? null,
      p95: bucketQuantile(LATENCY_BOUNDS_MS, t.buckets, 0.95) ?? null,
    },
    promptTokens: t.promptTokens,
    completionTokens: t.completionTokens,
    costUsd: t.costUsd,
    costPer1KTokens: tokens > 0 ? (t.costUsd / tokens) * 1000 : null,
  };
}

export interface ExperimentReport {
  object: "experiment";
  name: string;
  group: string;
  start: string | null;
  end: string | null;
  active: boolean;
  method: Record<string, string>;
  latencyBucketsMs: number[];
  arms: ReturnType<typeof armReport>[];
  comparisons: { arm: string; against: string; errorRate: Interval | null; meanLatencyMs: Interval | null }[];
}

/**
 * The usage sink with experiment accounting on top: every record still goes to `inner` first;
 * one that carries an experiment also moves the experiment metrics and the shared counters.
 * The counters are written off the request path (a failed write is logged, never thrown).
 */
export function withExperimentStats(
  inner: UsageSink,
  stats: ExperimentStats,
  registry: Registry,
  onError: (err: unknown) => void,
): UsageSink {
  const m = policyMetrics(registry);
  return {
    record(rec) {
      const done = inner.record(rec);
      const e = rec.experiment;
      if (e) {
        const labels = { experiment: e.id, arm: e.arm };
        m.experimentRequests.inc({ ...labels, status: String(rec.status) });
        m.experimentDuration.observe(labels, rec.latencyMs / 1000);
        if (rec.promptTokens > 0) m.experimentTokens.inc({ ...labels, type: "prompt" }, rec.promptTokens);
        if (rec.completionTokens > 0)
          m.experimentTokens.inc({ ...labels, type: "completion" }, rec.completionTokens);
        if (rec.costUsd > 0) m.experimentCost.inc(labels, rec.costUsd);
        stats.add(rec).catch(onError);
      }
      return done;
    },
  };
}
