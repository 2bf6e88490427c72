import type { BatchItem, LlamaContext, Token } from "node-llama-cpp";

const t = (...ids: number[]) => ids as Token[];

import { observingStrategy, SequenceOrder } from "../../src/engine/batching.js";

/** A stand-in for node-llama-cpp's context: only the internal decode entry point SequenceOrder wraps. */
function fakeContext() {
  const queued: { sequenceId: number; tokens: number[] }[] = [];
  const ctx = {
    _decodeTokens: async (request: { sequenceId: number; tokens: number[] }) => {
      queued.push(request);
    },
  };
  return { ctx, queued };
}

describe("SequenceOrder", () => {
  it("puts an engine batch in ascending sequence-id order, unknown items last", async () => {
    const { ctx, queued } = fakeContext();
    const order = new SequenceOrder();
    expect(order.install(ctx as unknown as LlamaContext)).toBe(true);
    const decode = (ctx as unknown as { _decodeTokens: (r: object) => Promise<void> })._decodeTokens;
    for (const id of [2, 0, 3, 1]) await decode({ sequenceId: id, tokens: [100 + id] });
    const items: BatchItem[] = queued.map((q) => ({
      tokens: q.tokens as Token[],
      logits: [true],
      evaluationPriority: 5,
    }));
    const stranger: BatchItem = { tokens: t(7, 8), logits: [true, true], evaluationPriority: 5 };
    let observed = 0;
    const strategy = observingStrategy((n) => {
      observed = n;
    }, order);
    const res = strategy({ items: [stranger, ...items], size: 512 });
    expect(res.map((r) => r.item.tokens[0])).toEqual([100, 101, 102, 103, 7]);
    expect(observed).toBe(6);
  });

  it("keeps arrival order without an order and refuses contexts without the internals", () => {
    const a: BatchItem = { tokens: t(1), logits: [true], evaluationPriority: 5 };
    const b: BatchItem = { tokens: t(2), logits: [true], evaluationPriority: 5 };
    const res = observingStrategy(() => {})({ items: [b, a], size: 8 });
    expect(res.map((r) => r.item)).toEqual([b, a]);
    expect(new SequenceOrder().install({} as LlamaContext)).toBe(false);
  });
});
