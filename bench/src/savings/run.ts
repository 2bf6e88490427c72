import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type CurvePoint,
  fleetBreakEven,
  type PoolEconomics,
  poolEconomics,
  savingCurve,
  volumeGrid,
} from "./analysis/break-even.js";
import { priceBook } from "./analysis/cost.js";
import type { RunSummary } from "./analysis/summary.js";
import { renderSavingsReport } from "./output/report.js";
import { type RunResult, type RunSpec, runOne } from "./run-one.js";
import type { SavingsScenario } from "./scenario/schema.js";
import { generateTrace, type TraceRequest } from "./trace/trace.js";

/** savings.json. */
export interface SavingsReport {
  generatedAt: string;
  scenario: SavingsScenario;
  trace: { requests: number; long: number; short: number; promptTokens: number; maxTokens: number };
  /** The baseline first, then one per strategy, then the failure run. */
  runs: RunSummary[];
  /** Target per request id for each run (the routing sequence). */
  sequences: Record<string, string[]>;
  /** When the pools pay off against the all-external reference, and the saving by daily volume. */
  breakEven: BreakEven;
}

/** savings.json `breakEven`. */
export interface BreakEven {
  /** USD per token at the all-external reference price for this trace's input/output mix. */
  referenceUsdPerToken: number;
  /** The trace's volume as tokens a day (prompt + completion of the successful requests). */
  traceTokensPerDay: number;
  /** Wake-ups a day assumed per scale-to-zero pool: the replays' median, at least 1. */
  wakesPerDay: number;
  pools: PoolEconomics[];
  /** Tokens/day above which the fleet as deployed (always-on pools paid anyway) beats all-external. */
  fleetBreakEvenTokensPerDay: number | null;
  curve: CurvePoint[];
}

const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)]! : 0;
};

/** Break-even and curve from the scenario's pools, priced at the reference for the replayed mix. */
export function breakEvenFor(s: SavingsScenario, runs: readonly RunSummary[]): BreakEven {
  const ref = runs.find((r) => r.run === "baseline") ?? runs[0];
  const tokens = ref ? ref.promptTokens + ref.completionTokens : 0;
  const referenceUsdPerToken = ref && tokens > 0 ? ref.referenceCostUsd / tokens : 0;
  const traceTokensPerDay = ref ? (tokens * 24) / ref.simulatedHours : 0;
  const stz = s.clusters.filter((c) => c.scaleToZero).length;
  const wakes = runs
    .filter((r) => r.pools.length > 0 && !r.run.includes("+"))
    .map((r) => (r.coldStarts / Math.max(1, stz)) * (24 / r.simulatedHours));
  const wakesPerDay = Math.max(1, Math.round(median(wakes)));
  const pools = poolEconomics(s.clusters, referenceUsdPerToken, wakesPerDay);
  const capacity = pools.reduce((n, p) => n + p.capacityTokensPerDay, 0);
  const fleet = fleetBreakEven(pools, referenceUsdPerToken, 2 * capacity);
  const volumes = volumeGrid(Math.min(1e4, Math.max(1, traceTokensPerDay)), 2 * capacity, [
    traceTokensPerDay,
    fleet ?? 0,
    ...pools.map((p) => p.breakEvenTokensPerDay ?? 0),
  ]);
  return {
    referenceUsdPerToken,
    traceTokensPerDay,
    wakesPerDay,
    pools,
    fleetBreakEvenTokensPerDay: fleet,
    curve: savingCurve(pools, referenceUsdPerToken, volumes),
  };
}

/** Options of {@link runSavings}. */
export interface SavingsOptions {
  scenario: SavingsScenario;
  /** Where savings.json and savings.html go; nothing is written when absent. */
  outDir?: string;
  /** Skip the baseline (tests that only check determinism). Defaults to false. */
  skipBaseline?: boolean;
  /** Skip the failure run. Defaults to false. */
  skipFailure?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
  now?: () => Date;
}

/** The runs a scenario asks for, baseline first. */
export function plannedRuns(
  s: SavingsScenario,
  opts: Pick<SavingsOptions, "skipBaseline" | "skipFailure"> = {},
): RunSpec[] {
  const runs: RunSpec[] = [];
  if (!opts.skipBaseline) {
    runs.push({
      run: "baseline",
      strategy: "hybrid",
      withClusters: false,
      description:
        "all-external baseline: no clusters, every request to the cheapest capable external provider",
    });
  }
  for (const strategy of s.strategies) {
    runs.push({ run: strategy, strategy, withClusters: true, description: `router strategy ${strategy}` });
  }
  if (s.failure && !opts.skipFailure) {
    runs.push({
      run: `${s.failure.strategy}+failure`,
      strategy: s.failure.strategy,
      withClusters: true,
      description: `${s.failure.strategy}; cluster ${s.failure.cluster} dies at ${Math.round(s.failure.at * 100)}% of the trace`,
      kill: { cluster: s.failure.cluster, at: s.failure.at },
    });
  }
  return runs;
}

function traceStats(trace: readonly TraceRequest[]): SavingsReport["trace"] {
  return {
    requests: trace.length,
    long: trace.filter((r) => r.kind === "long").length,
    short: trace.filter((r) => r.kind === "short").length,
    promptTokens: trace.reduce((n, r) => n + r.promptTokens, 0),
    maxTokens: trace.reduce((n, r) => n + r.maxTokens, 0),
  };
}

/**
 * Replays one seeded trace through the real router once per strategy, against the all-external
 * baseline and with a cluster dying mid-trace; writes savings.json and savings.html.
 */
export async function runSavings(
  opts: SavingsOptions,
): Promise<{ report: SavingsReport; results: RunResult[] }> {
  const s = opts.scenario;
  const trace = generateTrace(s);
  const prices = priceBook(s);
  const results: RunResult[] = [];
  for (const spec of plannedRuns(s, opts)) {
    opts.log?.(`run ${spec.run}: ${spec.description}`);
    results.push(await runOne(s, trace, spec, prices));
  }
  const baseline = results.find((r) => r.summary.run === "baseline")?.summary;
  for (const r of results) {
    if (baseline && r.summary !== baseline && baseline.costUsd > 0) {
      r.summary.savingsVsBaseline = 1 - r.summary.costUsd / baseline.costUsd;
    }
  }
  const report: SavingsReport = {
    generatedAt: (opts.now?.() ?? new Date()).toISOString(),
    scenario: s,
    trace: traceStats(trace),
    runs: results.map((r) => r.summary),
    sequences: Object.fromEntries(results.map((r) => [r.summary.run, r.records.map((x) => x.target)])),
    breakEven: breakEvenFor(
      s,
      results.map((r) => r.summary),
    ),
  };
  if (opts.outDir) {
    await mkdir(opts.outDir, { recursive: true });
    await writeFile(join(opts.outDir, "savings.json"), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(join(opts.outDir, "savings.html"), renderSavingsReport(report, trace));
  }
  return { report, results };
}
