import { PendingDemand } from "../../src/scaling/demand.js";

describe("pending demand gated by the wake-up rule", () => {
  it("raises demand only once the decayed waiting volume pays for the wake-up", () => {
    let now = 0;
    const d = new PendingDemand(60_000, () => now);
    // $0.60/h for 25 min = $0.25; at $0.01/1K elsewhere that takes 25K waiting tokens.
    const wake = { costPerHour: 0.6, warmMinutes: 25, alternativePer1K: 0.01 };
    expect(d.offer(10_000, wake)).toBe(false);
    expect(d.offer(10_000, wake)).toBe(false);
    expect(d.current()).toBe(0);
    expect(d.offer(10_000, wake)).toBe(true);
    expect(d.current()).toBeCloseTo(1, 6);
    // The volume decays like the demand: an hour later one request no longer pays.
    now += 3_600_000;
    expect(d.offer(10_000, wake)).toBe(false);
  });
});
