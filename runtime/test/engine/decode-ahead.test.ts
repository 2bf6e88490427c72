import type { LlamaContext, Token } from "node-llama-cpp";
import { DecodeAhead } from "../../src/engine/decode-ahead.js";

/**
 * A stand-in for node-llama-cpp's native context with a KV cache that refuses a second cell at a
 * position a sequence already holds (what a forgotten speculative token would cause), and a sampler
 * that answers `next` for every sample.
 */
function fakeNative() {
  let batch: { seq: number; pos: number; token: number; logit: boolean }[] | undefined;
  let size = 0;
  const kv = new Map<number, Map<number, number>>();
  const log: string[] = [];
  let next = 500;
  let lastLogits: number[] = [];
  const proto = {
    initBatch(n: number) {
      if (decoding > 0) throw new Error("initBatch while a decode runs");
      batch = [];
      size = n;
    },
    addToBatch(seq: number, first: number, tokens: Uint32Array, logits: Uint32Array): Uint32Array {
      if (!batch) throw new Error("No batch is initialized");
      if (batch.length + tokens.length > size)
        throw new RangeError("Tokens exceed the initialized batch size");
      const out: number[] = [];
      tokens.forEach((token, i) => {
        const logit = logits.includes(i);
        batch?.push({ seq, pos: first + i, token, logit });
        if (logit) out.push((batch?.length ?? 0) - 1);
      });
      return Uint32Array.from(out);
    },
    async decodeBatch() {
      const b = batch ?? [];
      decoding++;
      await new Promise((r) => setImmediate(r));
      decoding--;
      for (const c of b) {
        const cells = kv.get(c.seq) ?? new Map<number, number>();
        if (cells.has(c.pos)) throw new Error(`seq ${c.seq} already has a cell at ${c.pos}`);
        cells.set(c.pos, c.token);
        kv.set(c.seq, cells);
      }
      lastLogits = b.flatMap((c, i) => (c.logit ? [i] : []));
      log.push(`decode ${b.map((c) => `${c.seq}@${c.pos}:${c.token}`).join(",")}`);
    },
    async sampleToken(index: number) {
      if (!lastLogits.includes(index)) throw new Error(`no logits at ${index}`);
      await new Promise((r) => setImmediate(r));
      // The addon answers a bare token id unless probabilities and the like were asked for.
      return index % 2 === 0 ? next++ : [next++];
    },
    removeTokenCellsFromSequence(seq: number, start: number, end: number) {
      if (decoding > 0) throw new Error("KV edit while a decode runs");
      for (let p = start; p < end; p++) kv.get(seq)?.delete(p);
      log.push(`remove ${seq}@${start}`);
      return true;
    },
  };
  let decoding = 0;
  // Methods on the prototype, like the addon's: DecodeAhead must shadow them with own properties.
  const native = Object.create(proto) as typeof proto;
  const context = { _ctx: native, _queuedDecodes: [] as unknown[] };
  return { native, context, kv, log };
}

/** Drives the native calls the way node-llama-cpp does for one sequence: batch, decode, sample. */
async function step(
  native: ReturnType<typeof fakeNative>["native"],
  entries: { seq: number; first: number; tokens: number[] }[],
): Promise<number[]> {
  native.initBatch(entries.reduce((n, e) => n + e.tokens.length, 0));
  const indexes = entries.map((e) =>
    native.addToBatch(e.seq, e.first, Uint32Array.from(e.tokens), Uint32Array.of(e.tokens.length - 1)),
  );
  await native.decodeBatch();
  const tokens: number[] = [];
  for (const idx of indexes) {
    const res = await native.sampleToken(idx[0] as number);
    tokens.push(typeof res === "number" ? res : (res[0] as number));
  }
  return tokens;
}

const model = (eog: number[] = []) => ({ isEogToken: (t: Token | undefined) => eog.includes(t as number) });

/** A fake native context with DecodeAhead installed on it, counting outcomes; `eog` are end tokens. */
function installed(eog: number[] = []) {
  const f = fakeNative();
  const outcomes = { used: 0, wasted: 0 };
  const ahead = new DecodeAhead(model(eog), (o) => outcomes[o]++);
  expect(ahead.install(f.context as unknown as LlamaContext)).toBe(true);
  return { f, ahead, outcomes };
}

describe("DecodeAhead", () => {
  it("decodes a lone sequence's sampled token before it is asked for, and hands that decode over", async () => {
    const { f, ahead, outcomes } = installed();
    await ahead.begin(0, 3);
    let [token] = await step(f.native, [{ seq: 0, first: 0, tokens: [1, 2, 3] }]);
    // The speculative decode is already queued: the next batch is exactly it.
    expect(f.log).toEqual(["decode 0@0:1,0@1:2,0@2:3"]);
    [token] = await step(f.native, [{ seq: 0, first: 3, tokens: [token as number] }]);
    [token] = await step(f.native, [{ seq: 0, first: 4, tokens: [token as number] }]);
    await ahead.end(0);
    // Three samples with max 3: tokens 1 and 2 decoded ahead, the third (last) never decoded.
    expect(f.log).toEqual(["decode 0@0:1,0@1:2,0@2:3", "decode 0@3:500", "decode 0@4:501"]);
    expect(outcomes).toEqual({ used: 2, wasted: 0 });
    expect([...(f.kv.get(0)?.keys() ?? [])]).toEqual([0, 1, 2, 3, 4]);
  });

  it("takes a token back when generation stops before asking for it (stop string, abort)", async () => {
    const { f, ahead, outcomes } = installed();
    await ahead.begin(0, 10);
    await step(f.native, [{ seq: 0, first: 0, tokens: [1, 2] }]);
    await ahead.end(0);
    expect(f.log).toEqual(["decode 0@0:1,0@1:2", "decode 0@2:500", "remove 0@2"]);
    expect([...(f.kv.get(0)?.keys() ?? [])]).toEqual([0, 1]);
    expect(outcomes).toEqual({ used: 0, wasted: 1 });
    // The sequence is reusable from where node-llama-cpp believes it ends.
    await ahead.begin(0, 1);
    await step(f.native, [{ seq: 0, first: 2, tokens: [9] }]);
    await ahead.end(0);
    expect([...(f.kv.get(0)?.entries() ?? [])]).toEqual([
      [0, 1],
      [1, 2],
      [2, 9],
    ]);
  });

  it("a second sequence waits for the decode in flight; a mixed batch replays after the token is taken back", async () => {
    const { f, ahead, outcomes } = installed();
    await ahead.begin(0, 10);
    const [t0] = await step(f.native, [{ seq: 0, first: 0, tokens: [1, 2] }]);
    // Speculation for seq 0 is in flight; the fake refuses KV edits during a decode.
    await ahead.begin(1, 10);
    f.native.removeTokenCellsFromSequence(1, 0, 100);
    const tokens = await step(f.native, [
      { seq: 0, first: 2, tokens: [t0 as number] },
      { seq: 1, first: 0, tokens: [7, 8] },
    ]);
    expect(f.log).toEqual([
      "decode 0@0:1,0@1:2",
      "decode 0@2:500",
      "remove 1@0",
      "remove 0@2",
      "decode 0@2:500,1@0:7,1@1:8",
    ]);
    // Two sequences generate: no more speculation.
    await step(f.native, [
      { seq: 0, first: 3, tokens: [tokens[0] as number] },
      { seq: 1, first: 2, tokens: [tokens[1] as number] },
    ]);
    expect(f.log).toHaveLength(6);
    await ahead.end(1);
    await ahead.end(0);
    expect(outcomes).toEqual({ used: 0, wasted: 1 });
  });

  it("does not speculate on an end-of-generation token or once the token budget is spent", async () => {
    const { f, ahead } = installed([500]);
    await ahead.begin(0, 5);
    await step(f.native, [{ seq: 0, first: 0, tokens: [1] }]);
    await ahead.end(0);
    expect(f.log).toEqual(["decode 0@0:1"]);

    const { f: g, ahead: budget } = installed();
    await budget.begin(0, 1);
    await step(g.native, [{ seq: 0, first: 0, tokens: [1] }]);
    await budget.end(0);
    expect(g.log).toEqual(["decode 0@0:1"]);
  });

  it("passes everything through for sequences it was not told about, and refuses foreign contexts", async () => {
    const { f } = installed();
    await step(f.native, [{ seq: 3, first: 0, tokens: [1, 2] }]);
    expect(f.log).toEqual(["decode 3@0:1,3@1:2"]);
    expect(new DecodeAhead(model()).install({} as LlamaContext)).toBe(false);
  });
});
