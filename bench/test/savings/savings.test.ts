import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderInBrowser } from "../../src/report/index.js";
import { priceBook } from "../../src/savings/analysis/cost.js";
import { plannedRuns, runSavings, type SavingsReport } from "../../src/savings/run.js";
import { defaultScenario } from "../../src/savings/scenario/default.js";
import { loadScenario, parseScenario } from "../../src/savings/scenario/load.js";
import { diurnalRate, generateTrace, promptText } from "../../src/savings/trace/trace.js";

/** A small fleet where the clusters are clearly cheaper than the external providers. */
const FLEET = {
  clusters: [
    { name: "cpu", pool: "cpu", costPerHour: 0.05, tokensPerSecond: 40, ttftMs: { median: 4, p95: 8 } },
    {
      name: "gpu",
      pool: "gpu",
      costPerHour: 0.1,
      tokensPerSecond: 120,
      ttftMs: { median: 3, p95: 6 },
      scaleToZero: true,
      coldStartMinutes: 30,
      scaleDownAfterMinutes: 60,
    },
  ],
  externals: [
    {
      name: "ext-big",
      model: "big",
      inputPer1M: 2.5,
      outputPer1M: 10,
      ttftMs: { median: 4, p95: 8 },
      perTokenMs: { median: 0.05, p95: 0.1 },
    },
    {
      name: "ext-small",
      model: "small",
      inputPer1M: 0.8,
      outputPer1M: 4,
      ttftMs: { median: 4, p95: 8 },
      perTokenMs: { median: 0.05, p95: 0.1 },
    },
  ],
};

describe("savings trace", () => {
  it("is the same for the same seed and different for another", () => {
    const a = generateTrace(defaultScenario({ seed: 7, requests: 300 }));
    const b = generateTrace(defaultScenario({ seed: 7, requests: 300 }));
    const c = generateTrace(defaultScenario({ seed: 8, requests: 300 }));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("follows the diurnal curve, mixes short and long requests, and stays inside the compressed day", () => {
    const s = defaultScenario({
      seed: 3,
      requests: 2000,
      durationMs: 5000,
      peakHour: 14,
      diurnalAmplitude: 0.8,
    });
    const trace = generateTrace(s);
    expect(trace).toHaveLength(2000);
    expect(trace.every((r, i) => i === 0 || r.atMs >= trace[i - 1]!.atMs)).toBe(true);
    expect(trace.at(-1)!.atMs).toBeLessThanOrEqual(5000);
    // Rate at the peak is (1 + 0.8) / (1 - 0.8) = 9x the trough: compare 4-hour windows.
    const inWindow = (from: number, to: number) => trace.filter((r) => r.hour >= from && r.hour < to).length;
    expect(inWindow(12, 16)).toBeGreaterThan(4 * inWindow(0, 4));
    const long = trace.filter((r) => r.kind === "long");
    expect(long.length / trace.length).toBeGreaterThan(0.18);
    expect(long.length / trace.length).toBeLessThan(0.32);
    for (const r of long) {
      expect(r.promptTokens).toBeGreaterThanOrEqual(s.long.promptTokens[0]);
      expect(r.maxTokens).toBeLessThanOrEqual(s.long.maxTokens[1]);
    }
    expect(diurnalRate(14, 0.8, 14)).toBeCloseTo(1.8, 10);
    expect(diurnalRate(2, 0.8, 14)).toBeCloseTo(0.2, 10);
    expect(promptText(1, 50)).toHaveLength(200);
  });
});

describe("savings scenario and pricing", () => {
  it("rejects bad scenarios naming the field", () => {
    expect(() => parseScenario({ requests: 0 })).toThrow("requests");
    expect(() => parseScenario({ failure: { cluster: "nope" } })).toThrow("failure.cluster");
    expect(() => parseScenario({ short: { promptTokens: [10, 5], maxTokens: [1, 2] } })).toThrow(
      "short.promptTokens",
    );
  });

  it("prices clusters by cost per hour over throughput and externals by input/output price", () => {
    const prices = priceBook(parseScenario({ ...FLEET, failure: undefined }));
    // 0.05 USD/h at 40 tokens/s: 0.05 / 144000 USD per token.
    expect(prices.cost("cpu", 1000, 440)).toBeCloseTo((1440 * 0.05) / 144_000, 12);
    expect(prices.cost("ext-small", 1_000_000, 1_000_000)).toBeCloseTo(4.8, 10);
    expect(prices.cost("unknown", 1, 1)).toBeUndefined();
  });

  it("loads the shipped example scenario", async () => {
    const example = new URL("../../../examples/bench/savings-scenario.yaml", import.meta.url).pathname;
    const s = await loadScenario(example);
    expect(s.clusters.map((c) => c.name)).toEqual(["gcp-cpu", "gcp-t4"]);
    expect(plannedRuns(s).map((r) => r.run)).toEqual([
      "baseline",
      "hybrid",
      "cost",
      "cluster_first",
      "external_first",
      "hybrid+failure",
    ]);
  });

  it("plans the baseline, one run per strategy and the failure run", () => {
    const runs = plannedRuns(defaultScenario()).map((r) => r.run);
    expect(runs).toEqual([
      "baseline",
      "hybrid",
      "cost",
      "latency",
      "cluster_first",
      "external_first",
      "hybrid+failure",
    ]);
  });
});

describe("savings replay through the real router", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "bench-savings-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("routes the same seeded trace to the same targets at the same cost on every run", async () => {
    const scenario = parseScenario({
      ...FLEET,
      // Priced between the small model's input and output prices per token, so size decides.
      clusters: [{ ...FLEET.clusters[0], costPerHour: 0.22 }],
      seed: 11,
      requests: 40,
      durationMs: 600,
      strategies: ["cost"],
      failure: undefined,
    });
    const first = await runSavings({ scenario, skipBaseline: true });
    const second = await runSavings({ scenario, skipBaseline: true });
    const seq = first.report.sequences.cost!;
    expect(seq).toHaveLength(40);
    expect(second.report.sequences.cost).toEqual(seq);
    // The cost strategy splits this mix: long prompts are cheaper at the small external model.
    expect(new Set(seq)).toEqual(new Set(["cpu", "ext-small"]));
    expect(second.report.runs[0]!.costUsd).toBeCloseTo(first.report.runs[0]!.costUsd, 12);
    expect(first.report.runs[0]!.failed).toBe(0);
  });

  it("saves against the all-external baseline, survives a cluster dying mid-trace, and reports cold GPU time", async () => {
    const scenario = parseScenario({
      ...FLEET,
      seed: 5,
      requests: 60,
      durationMs: 1200,
      strategies: ["hybrid"],
      failure: { strategy: "hybrid", cluster: "cpu", at: 0.5 },
    });
    const out = join(dir, "run");
    const { report, results } = await runSavings({ scenario, outDir: out });
    const json = JSON.parse(await readFile(join(out, "savings.json"), "utf8")) as SavingsReport;
    expect(json.runs.map((r) => r.run)).toEqual(["baseline", "hybrid", "hybrid+failure"]);
    const [baseline, hybrid, failure] = report.runs;

    expect(Object.keys(baseline!.servedBy).every((t) => t.startsWith("ext-"))).toBe(true);
    expect(baseline!.failed).toBe(0);
    expect(hybrid!.failed).toBe(0);
    expect(hybrid!.costUsd).toBeLessThan(baseline!.costUsd);
    expect(hybrid!.savingsVsBaseline).toBeCloseTo(1 - hybrid!.costUsd / baseline!.costUsd, 12);
    // The GPU pool starts at zero: the first requests arrive while it is cold.
    expect(results[1]!.records[0]!.coldPools).toEqual(["gpu"]);
    expect(hybrid!.gpuColdAtArrival).toBeGreaterThan(0);

    // After the kill nothing is served by the dead cluster and nothing fails: the router fails over.
    const killedAt = Math.floor(0.5 * 60);
    const after = results[2]!.records.filter((r) => r.id >= killedAt);
    expect(after.every((r) => r.target !== "cpu")).toBe(true);
    expect(failure!.failed).toBe(0);
    expect(failure!.succeeded).toBe(60);

    // Total cost: the always-on CPU pool is billed the whole simulated day, the GPU pool while
    // warm, plus external spend; compared with the same requests at the all-external price.
    for (const r of report.runs) {
      expect(r.totalCostUsd).toBeCloseTo(r.nodeCostUsd + r.externalCostUsd, 12);
      expect(r.simulatedHours).toBeGreaterThanOrEqual(24);
    }
    expect(baseline!.nodeCostUsd).toBe(0);
    const cpu = hybrid!.pools.find((p) => p.name === "cpu")!;
    expect(cpu.billedHours).toBeCloseTo(hybrid!.simulatedHours, 9);
    expect(hybrid!.nodeCostUsd).toBeGreaterThanOrEqual(0.05 * 24);
    // 60 requests a day cannot pay for a day of nodes.
    expect(hybrid!.totalCostUsd).toBeGreaterThan(hybrid!.referenceCostUsd);
    expect(hybrid!.totalSavingsVsReference).toBeLessThan(0);
    expect(report.breakEven.pools.map((p) => p.name)).toEqual(["cpu", "gpu"]);
    expect(report.breakEven.curve.length).toBeGreaterThan(5);
    const html = await readFile(join(out, "savings.html"), "utf8");
    expect(html).toContain("Break-even");
    expect(html).toContain("Simulated duration");

    const dom = await renderInBrowser(join(out, "savings.html"));
    expect(dom).toContain('data-charts-drawn="6"');
    expect(dom.match(/<rect [^>]*data-chart="savings-cost"/g)).toHaveLength(3);
    expect(dom).toMatch(/<path [^>]*data-chart="savings-trace-rate"/);
    expect(dom).toMatch(/<path [^>]*data-chart="savings-curve"/);
  });
});
