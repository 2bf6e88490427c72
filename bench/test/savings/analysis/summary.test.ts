import { priceBook } from "../../../src/savings/analysis/cost.js";
import { summariseRun } from "../../../src/savings/analysis/summary.js";
import type { ReplayRecord } from "../../../src/savings/replay/replay.js";
import { parseScenario } from "../../../src/savings/scenario/load.js";

const scenario = parseScenario({
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
      name: "big",
      model: "b",
      inputPer1M: 2.5,
      outputPer1M: 10,
      ttftMs: { median: 4, p95: 8 },
      perTokenMs: { median: 1, p95: 2 },
    },
    {
      name: "small",
      model: "s",
      inputPer1M: 0.8,
      outputPer1M: 4,
      ttftMs: { median: 4, p95: 8 },
      perTokenMs: { median: 1, p95: 2 },
    },
  ],
  failure: undefined,
});

const rec = (id: number, target: string, promptTokens: number, completionTokens: number): ReplayRecord => ({
  id,
  kind: "short",
  hour: id,
  ok: true,
  status: 200,
  errorCode: "",
  target,
  reason: "",
  latencyMs: 10,
  lagMs: 0,
  promptTokens,
  completionTokens,
  coldPools: [],
});

describe("a savings run's total cost", () => {
  it("counts every pool's node-hours over the simulated day plus external spend, against all-external", () => {
    const records = [rec(0, "cpu", 1000, 100), rec(1, "small", 500, 50), rec(2, "gpu", 200, 20)];
    const r = summariseRun({
      run: "hybrid",
      strategy: "hybrid",
      description: "",
      records,
      prices: priceBook(scenario),
      // The GPU pool was warm 100 ms and starting 50 ms of the 1000 ms replay.
      pools: [{ name: "gpu", costPerHour: 0.1, coldStarts: 1, warmMs: 100, startingMs: 50 }],
      clusters: scenario.clusters,
      externals: scenario.externals,
      realDurationMs: 1000,
      simulatedHours: 24,
      routerReportedCostUsd: null,
    });
    expect(r.simulatedHours).toBe(24);
    // Always on: all 24 hours. Scale to zero: warm-up + warm = 15% of the day = 3.6 hours.
    expect(r.pools.map((p) => [p.name, p.billedHours])).toEqual([
      ["cpu", 24],
      ["gpu", expect.closeTo(3.6, 9)],
    ]);
    expect(r.nodeCostUsd).toBeCloseTo(24 * 0.05 + 3.6 * 0.1, 9);
    const small = (p: number, c: number) => (p * 0.8 + c * 4) / 1e6;
    expect(r.externalCostUsd).toBeCloseTo(small(500, 50), 12);
    expect(r.totalCostUsd).toBeCloseTo(r.nodeCostUsd + r.externalCostUsd, 12);
    // The same three requests, all at the cheapest external price.
    expect(r.referenceCostUsd).toBeCloseTo(small(1000, 100) + small(500, 50) + small(200, 20), 12);
    // Three requests cannot pay for a day of nodes: the honest saving is hugely negative,
    // while token attribution alone would call it a saving.
    expect(r.totalSavingsVsReference).toBeLessThan(-100);
    expect(r.costUsd).toBeLessThan(r.referenceCostUsd);
  });

  it("bills nothing without clusters (the all-external baseline)", () => {
    const r = summariseRun({
      run: "baseline",
      strategy: "hybrid",
      description: "",
      records: [rec(0, "small", 1000, 100)],
      prices: priceBook(scenario),
      pools: [],
      clusters: [],
      externals: scenario.externals,
      realDurationMs: 1000,
      simulatedHours: 24,
      routerReportedCostUsd: null,
    });
    expect(r.nodeCostUsd).toBe(0);
    expect(r.totalCostUsd).toBeCloseTo(r.referenceCostUsd, 12);
    expect(r.totalSavingsVsReference).toBeCloseTo(0, 12);
  });
});
