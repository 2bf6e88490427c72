import { summarise, type TargetSummary } from "../../../src/compare/analysis/aggregate.js";
import { rankTargets, scoreTargets } from "../../../src/compare/analysis/score.js";
import type { RequestRecord } from "../../../src/compare/load/runner.js";

const rec = (over: Partial<RequestRecord>): RequestRecord => ({
  target: "t",
  index: 0,
  promptId: "p",
  ok: true,
  httpStatus: 200,
  errorCode: "",
  startMs: 0,
  ttftMs: 10,
  latencyMs: 100,
  promptTokens: 10,
  completionTokens: 10,
  tokensPerSecond: 50,
  costUsd: 0.00002,
  servedBy: "",
  ...over,
});

describe("ranking targets when one has no price", () => {
  // The unpriced router is the fastest: scored on the other weights alone it gets the top total.
  const summaries: TargetSummary[] = [
    summarise([rec({ latencyMs: 400, costUsd: 0.00004 })], {
      target: "a",
      type: "mock",
      model: "m",
      priced: true,
    }),
    summarise([rec({ latencyMs: 500, costUsd: 0.00001 })], {
      target: "b",
      type: "mock",
      model: "m",
      priced: true,
    }),
    summarise([rec({ latencyMs: 100, costUsd: Number.NaN })], {
      target: "router",
      type: "http",
      model: "auto",
      priced: false,
    }),
  ];
  const scores = scoreTargets(summaries, { latency: 1, cost: 1, reliability: 1, throughput: 1 });
  const scored = summaries.map((s, i) => ({ ...s, score: scores[i]! }));

  it("says unpriced in its score and leaves cost out", () => {
    expect(scores[2]).toMatchObject({ cost: null, note: "unpriced" });
    expect(scores[0]!.note).toBeUndefined();
    expect(scores[2]!.total).toBeGreaterThan(scores[0]!.total);
  });

  it("is ranked neither cheapest nor best while priced targets exist", () => {
    expect(rankTargets(scored)).toEqual({ cheapest: "b", bestScore: "b", unpriced: ["router"] });
    expect(rankTargets([scored[2]!])).toEqual({ cheapest: null, bestScore: "router", unpriced: ["router"] });
  });
});
