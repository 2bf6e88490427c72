import type { PreparedGeneration } from "../../src/engine/generate.js";
import { choiceCount, choicesUsage, runChoices } from "../../src/inference/choices.js";
import type { InferenceService, RunContext, RunResult } from "../../src/inference/service.js";

const prepared = { seed: 10 } as PreparedGeneration;
const result = (completionTokens: number): RunResult => ({
  text: "x",
  completionTokens,
  finishReason: "length",
  promptTokens: 5,
});

/** A service whose runs resolve when told, recording what each run was given. */
function fakeService(behave: (i: number, ctx: RunContext) => Promise<RunResult>) {
  const seeds: (number | undefined)[] = [];
  const service = {
    run: (p: PreparedGeneration, ctx: RunContext) => {
      const i = seeds.push(p.seed) - 1;
      return behave(i, ctx);
    },
  } as unknown as InferenceService;
  return { service, seeds };
}

describe("n choices", () => {
  it("400 names n above --parallel; null/undefined is one choice", () => {
    expect(() => choiceCount(3, 2)).toThrow(expect.objectContaining({ status: 400, param: "n" }));
    expect(choiceCount(undefined, 2)).toBe(1);
    expect(choiceCount(2, 2)).toBe(2);
  });

  it("runs the choices concurrently, offsets the seed, starts once and tags text by index", async () => {
    let starts = 0;
    const texts: string[] = [];
    const { service, seeds } = fakeService(async (i, ctx) => {
      ctx.onStart?.();
      ctx.onText?.(`t${i}`);
      return result(i + 1);
    });
    const results = await runChoices(
      service,
      prepared,
      3,
      { signal: new AbortController().signal, receivedAt: 0 },
      {
        onStart: () => starts++,
        onText: (index, text) => texts.push(`${index}:${text}`),
      },
    );
    expect(seeds).toEqual([10, 11, 12]);
    expect(starts).toBe(1);
    expect(texts.sort()).toEqual(["0:t0", "1:t1", "2:t2"]);
    expect(choicesUsage(results)).toEqual({ promptTokens: 5, completionTokens: 6 });
  });

  it("the first failure aborts the other choices", async () => {
    const aborted: boolean[] = [];
    const { service } = fakeService((i, ctx) =>
      i === 0
        ? Promise.reject(new Error("boom"))
        : new Promise((_, reject) =>
            ctx.signal.addEventListener("abort", () => {
              aborted.push(true);
              reject(ctx.signal.reason);
            }),
          ),
    );
    await expect(
      runChoices(service, prepared, 2, { signal: new AbortController().signal, receivedAt: 0 }),
    ).rejects.toThrow("boom");
    expect(aborted).toEqual([true]);
  });
});
