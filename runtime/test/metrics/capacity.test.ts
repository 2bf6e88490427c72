import { CapacityEstimator } from "../../src/metrics/capacity.js";
import { RuntimeMetrics } from "../../src/metrics/metrics.js";

describe("capacity estimate", () => {
  it("is 0 before the first generation (the router uses its prior then)", () => {
    const c = new CapacityEstimator();
    expect(c.decodeTokensPerSecond()).toBe(0);
    expect(c.capacityTokensPerSecond()).toBe(0);
  });

  it("measures per-sequence rate while generating and scales it by the observed batch size", () => {
    const c = new CapacityEstimator();
    // One sequence alone: 20 tokens/s.
    c.observe(40, 2000, 1, 4);
    expect(c.decodeTokensPerSecond()).toBeCloseTo(20, 9);
    // Never seen batching: priced at one sequence, not at 4 slots.
    expect(c.capacityTokensPerSecond()).toBeCloseTo(20, 9);
    // Three together at 15 tokens/s each: 45 tokens/s aggregate.
    c.observe(30, 2000, 3, 4);
    expect(c.capacityTokensPerSecond()).toBeCloseTo(45, 9);
    // A batch above the slot count is filed at the slot count.
    c.observe(10, 1000, 9, 2);
    expect(c.capacityTokensPerSecond()).toBeCloseTo(45, 9);
  });

  it("ignores empty generations", () => {
    const c = new CapacityEstimator();
    c.observe(0, 100, 1, 1);
    c.observe(5, 0, 1, 1);
    expect(c.capacityTokensPerSecond()).toBe(0);
  });

  it("is exported under the names the router and exporter read", async () => {
    const m = new RuntimeMetrics();
    m.capacity.observe(40, 2000, 2, 2);
    const text = await m.registry.metrics();
    expect(text).toContain("llm_runtime_decode_tokens_per_second 20");
    expect(text).toContain("llm_runtime_capacity_tokens_per_second 40");
  });
});
