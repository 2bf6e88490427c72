import type { Token } from "node-llama-cpp";
import type { Slot } from "../../src/engine/engine.js";
import { cacheAffinity, commonPrefix, reusedPrefix, slotAffinity } from "../../src/engine/slot-affinity.js";

const t = (...ids: number[]) => ids as Token[];
/** A slot as the policy sees it: its sequence id and the tokens its sequence holds. */
const slot = (sequenceId: number, contextTokens: Token[]) =>
  ({ sequenceId, sequence: { contextTokens } }) as unknown as Slot;

describe("slot affinity", () => {
  it("measures the shared prefix", () => {
    expect(commonPrefix(t(1, 2, 3), t(1, 2, 4))).toBe(2);
    expect(commonPrefix(t(), t(1))).toBe(0);
    expect(commonPrefix(t(1, 2), t(1, 2, 3))).toBe(2);
  });

  it("prefers the longest cached prefix, then the emptiest sequence; a lone shared BOS counts for nothing", () => {
    const prompt = t(1, 5, 6, 7);
    expect(cacheAffinity(t(1, 5, 6, 9), prompt)).toBeGreaterThan(cacheAffinity(t(1, 5, 8), prompt));
    expect(cacheAffinity(t(), prompt)).toBeGreaterThan(cacheAffinity(t(1, 9, 9), prompt));
  });

  it("ranks slots by affinity, ties to the lowest sequence id, and never lets the id outweigh a token", () => {
    const score = slotAffinity(t(1, 5, 6, 7), 4);
    expect(score(slot(0, t()))).toBeGreaterThan(score(slot(3, t())));
    expect(score(slot(3, t(1, 5, 6)))).toBeGreaterThan(score(slot(0, t(1, 5))));
  });

  it("counts reused prompt tokens as LlamaCompletion does: the last prompt token is always evaluated", () => {
    expect(reusedPrefix(slot(0, t(1, 2, 3)), t(1, 2, 3))).toBe(2);
    expect(reusedPrefix(slot(0, t(1, 2)), t(1, 2, 3))).toBe(2);
    expect(reusedPrefix(slot(0, t(9)), t(1, 2))).toBe(0);
    expect(reusedPrefix(slot(0, t()), t())).toBe(0);
  });
});
