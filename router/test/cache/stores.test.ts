import { type CacheEntry, ExactStore } from "../../src/cache/exact-store.js";
import { SemanticIndex, unitVector } from "../../src/cache/semantic-index.js";
import { MemoryKeyValue } from "../../src/state/memory-key-value.js";

const entry = (answer: string): CacheEntry => ({
  answer,
  target: "t",
  upstreamModel: "m",
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  costUsd: 0.001,
  storedAt: 0,
});

describe("the exact store", () => {
  it("keeps at most maxEntries per tenant, evicting the oldest, and expires entries on their TTL", async () => {
    let now = 0;
    const store = new ExactStore(new MemoryKeyValue(() => now));
    const limits = { maxEntries: 2, maxTtlMs: 60_000 };
    for (const k of ["k1", "k2", "k3"]) await store.put("a", k, entry(k), 10_000, limits);
    await store.put("b", "k1", entry("b's"), 10_000, limits);
    expect(await store.get("a", "k1")).toBeUndefined();
    expect((await store.get("a", "k2"))?.answer).toBe("k2");
    expect((await store.get("a", "k3"))?.answer).toBe("k3");
    // Tenants are namespaces: b's k1 is its own, and did not evict a's.
    expect((await store.get("b", "k1"))?.answer).toBe("b's");
    now = 10_001;
    expect(await store.get("a", "k3")).toBeUndefined();
  });
});

describe("the semantic index", () => {
  it("finds the nearest vector above the threshold within a bounded bucket", async () => {
    let now = 0;
    const kv = new MemoryKeyValue(() => now);
    const index = (max: number) =>
      new SemanticIndex({
        kv,
        maxBucketEntries: () => max,
        refreshMs: () => 1000,
        maxTtlMs: () => 60_000,
        now: () => now,
        onError: (err) => {
          throw err;
        },
      });
    const writer = index(2);
    const v = (...x: number[]) => unitVector(x)!;
    await writer.add("a", "bucket", v(1, 0, 0), "east");
    await writer.add("a", "bucket", v(0, 1, 0), "north");
    expect(await writer.nearest("a", "bucket", v(1, 0.1, 0), 0.9)).toMatchObject({ key: "east" });
    expect(await writer.nearest("a", "bucket", v(1, 1, 0), 0.9)).toBeUndefined();
    expect(await writer.nearest("b", "bucket", v(1, 0, 0), 0.9)).toBeUndefined();
    // Another replica's copy: read from the store; a third add overwrites the oldest slot.
    const reader = index(2);
    expect(await reader.nearest("a", "bucket", v(0, 1, 0), 0.99)).toMatchObject({ key: "north" });
    await writer.add("a", "bucket", v(0, 0, 1), "up");
    now += 1001;
    expect(await reader.nearest("a", "bucket", v(1, 0, 0), 0.9)).toBeUndefined();
    expect(await reader.nearest("a", "bucket", v(0, 0, 1), 0.9)).toMatchObject({ key: "up" });
    expect(unitVector([0, 0])).toBeUndefined();
    await writer.close();
    await reader.close();
  });
});
