import {
  fleetBreakEven,
  fleetUsdPerDay,
  poolEconomics,
  savingCurve,
  volumeGrid,
} from "../../../src/savings/analysis/break-even.js";
import { parseScenario } from "../../../src/savings/scenario/load.js";

const clusters = parseScenario({
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
    { name: "dear", pool: "cpu", costPerHour: 5, tokensPerSecond: 10, ttftMs: { median: 4, p95: 8 } },
  ],
  failure: undefined,
}).clusters;
const REF = 2e-6; // USD per token at the all-external reference

describe("break-even volume per pool", () => {
  const [cpu, gpu, dear] = poolEconomics(clusters, REF, 2);

  it("is a day of node-hours over the reference price for an always-on pool", () => {
    expect(cpu!.fixedUsdPerDay).toBeCloseTo(1.2, 12);
    expect(cpu!.variableUsdPerToken).toBe(0);
    expect(cpu!.capacityTokensPerDay).toBe(40 * 86_400);
    expect(cpu!.breakEvenTokensPerDay).toBeCloseTo(600_000, 3);
  });

  it("is its wake-ups over the margin per token for a scale-to-zero pool", () => {
    // Two wake-ups of 30 min warm-up + 60 min cool-down at $0.1/h; busy time at $0.1/h / 432K tokens/h.
    expect(gpu!.fixedUsdPerDay).toBeCloseTo(0.3, 12);
    expect(gpu!.variableUsdPerToken).toBeCloseTo(0.1 / 432_000, 15);
    expect(gpu!.breakEvenTokensPerDay).toBeCloseTo(0.3 / (REF - 0.1 / 432_000), 3);
  });

  it("says never when the break-even does not fit the pool's capacity", () => {
    expect(dear!.breakEvenTokensPerDay).toBeNull();
    expect(dear!.note).toContain("capacity");
  });
});

describe("saving vs daily volume", () => {
  const pools = poolEconomics(clusters.slice(0, 2), REF, 2);

  it("costs the always-on pool at low volume and saves once the pools are busy", () => {
    const curve = savingCurve(pools, REF, volumeGrid(1e4, 2e7));
    expect(curve[0]!.tokensPerDay).toBe(1e4);
    // 10K tokens/day: $0.02 external against $1.20 of CPU node-hours plus nothing else.
    expect(curve[0]!.fleetUsdPerDay).toBeCloseTo(1.2, 9);
    expect(curve[0]!.saving).toBeLessThan(-50);
    const at = (v: number) => curve.find((p) => p.tokensPerDay === v)!;
    expect(at(5e6).saving).toBeGreaterThan(0.5);
    // Below the CPU pool's capacity the saving only grows with volume.
    const below = curve.filter((p) => p.tokensPerDay <= 40 * 86_400);
    expect(below.every((p, i) => i === 0 || p.saving > below[i - 1]!.saving)).toBe(true);
    // Zero saving where the curve crosses the always-on pool's break-even.
    expect(fleetUsdPerDay(pools, REF, 600_000)).toBeCloseTo(600_000 * REF, 9);
  });

  it("finds the volume where the fleet as deployed starts to beat all-external", () => {
    // Below the CPU pool's capacity only its day of node-hours counts: $1.20 / $2e-6 per token.
    expect(fleetBreakEven(pools, REF, 2e7)).toBeCloseTo(600_000, -1);
    expect(fleetBreakEven(pools, 1e-9, 2e7)).toBeNull();
  });

  it("grids volumes on 1-2-5 steps and keeps the extra points", () => {
    expect(volumeGrid(1e4, 1e5, [33_333.4])).toEqual([10_000, 20_000, 33_333, 50_000, 100_000]);
  });
});
