import {
  amortizedCostPer1K,
  capacityOf,
  clusterCostPer1K,
  marginalCostPer1K,
} from "../../src/pricing/cluster-cost.js";
import { DEFAULT_WAKE_UP_WARM_MINUTES, wakeUpCostUsd, wakeUpPays } from "../../src/pricing/wake-up.js";

describe("cluster cost model", () => {
  it("amortizes node $/h over capacity tokens/h (router/README.md worked example)", () => {
    // $0.50/h at 40 tokens/s = 144K tokens/h -> $0.003472/1K.
    expect(amortizedCostPer1K(0.5, 40)).toBeCloseTo(0.5 / 144, 12);
    expect(amortizedCostPer1K(0, 0)).toBe(0);
    expect(amortizedCostPer1K(0.5, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it("prices at capacity, the prior until one is measured, the exporter's figure when present", () => {
    const base = { costPerHour: 0.02, assumedTokensPerSecond: 20 };
    expect(capacityOf({ assumedTokensPerSecond: 20 })).toBe(20);
    expect(capacityOf({ capacityTokensPerSecond: 0, assumedTokensPerSecond: 20 })).toBe(20);
    expect(clusterCostPer1K(base)).toBeCloseTo(0.02 / 72, 12);
    expect(clusterCostPer1K({ ...base, capacityTokensPerSecond: 40 })).toBeCloseTo(0.02 / 144, 12);
    expect(clusterCostPer1K({ ...base, capacityTokensPerSecond: 40, exporterCostPer1K: 0.001 })).toBe(0.001);
  });

  it("is ~$0 marginal on an always-on pool with a free slot, amortized once saturated or scale-to-zero", () => {
    const amortizedPer1K = 0.0005;
    expect(marginalCostPer1K({ amortizedPer1K, scaleToZero: false })).toBe(0);
    expect(marginalCostPer1K({ amortizedPer1K, scaleToZero: false, queueDepth: 0 })).toBe(0);
    expect(marginalCostPer1K({ amortizedPer1K, scaleToZero: false, queueDepth: 3 })).toBe(amortizedPer1K);
    expect(marginalCostPer1K({ amortizedPer1K, scaleToZero: true, queueDepth: 0 })).toBe(amortizedPer1K);
  });
});

describe("waking a scale-to-zero pool", () => {
  it("costs node $/h for the warm minutes (default 15 min KEDA cooldown + 10 min scale-down)", () => {
    expect(DEFAULT_WAKE_UP_WARM_MINUTES).toBe(25);
    expect(wakeUpCostUsd(1.2, 25)).toBeCloseTo(0.5, 12);
  });

  it("pays only when the waiting volume's spend elsewhere covers the wake-up", () => {
    // $1.20/h GPU for 25 min = $0.50; at gpt-4o-mini's blended $0.000375/1K it takes 1.334M tokens.
    const wake = { costPerHour: 1.2, warmMinutes: 25, alternativePer1K: 0.000375 };
    expect(wakeUpPays({ ...wake, waitingTokens: 1_000_000 })).toBe(false);
    expect(wakeUpPays({ ...wake, waitingTokens: 1_400_000 })).toBe(true);
    expect(wakeUpPays({ ...wake, waitingTokens: 0 })).toBe(false);
    // Nothing else can serve them: any waiting request wakes the pool.
    expect(wakeUpPays({ ...wake, alternativePer1K: Number.POSITIVE_INFINITY, waitingTokens: 1 })).toBe(true);
  });
});
