import { fmtAxisUsd, fmtMs, fmtUsd, projectMonth } from "../../src/app/format.js";
import { limitsFrom, list } from "../../src/app/keys/model.js";

describe("console formatting", () => {
  it.each([
    [0, "$0"],
    [0.0000019444, "$0.00000194"],
    [8.26e-7, "$0.000000826"],
    [0.0123, "$0.0123"],
    [12.5, "$12.50"],
    [null, "—"],
  ])("fmtUsd(%p) = %p", (v, out) => expect(fmtUsd(v)).toBe(out));

  it("gives short, exponent-free cost ticks", () => {
    expect([0, 0.00005, 0.0002, 0.25, 3].map(fmtAxisUsd)).toEqual([
      "0",
      "$0.00005",
      "$0.0002",
      "$0.25",
      "$3.00",
    ]);
  });

  it("formats latencies in ms below a second", () => {
    expect([12.4, 1530].map(fmtMs)).toEqual(["12 ms", "1.53 s"]);
  });

  it("projects month-end spend from the run rate so far", () => {
    // 10 days into a 30-day month (Nov 11, 00:00): $1 so far -> $3.
    expect(projectMonth(1, new Date(Date.UTC(2026, 10, 11)))).toBeCloseTo(3, 5);
  });
});

describe("key form fields", () => {
  it("sends only the limits that were filled in", () => {
    expect(limitsFrom({ daily: "", monthly: "5", rpm: "60", tpm: "" })).toEqual({
      budgets: { monthlyUsd: 5 },
      rateLimit: { requestsPerMinute: 60 },
    });
    expect(limitsFrom({ daily: "", monthly: "", rpm: "", tpm: "" })).toEqual({});
    expect(list(" tiny, gpt-4o-mini ,")).toEqual(["tiny", "gpt-4o-mini"]);
    expect(list("  ")).toBeUndefined();
  });
});
