import { HashRing, keyPosition, withinBound } from "../../src/balancer/hash-ring.js";
import { createBalancer, type ReplicaLoad } from "../../src/balancer/strategies.js";

const urls = ["http://10.0.0.1:8000", "http://10.0.0.2:8000", "http://10.0.0.3:8000"];
const keys = Array.from({ length: 600 }, (_, i) => `${(i * 2654435761) % 4294967296}`.padStart(10, "0"));
const loads = (ids: string[], inFlight: Record<string, number> = {}): ReplicaLoad[] =>
  ids.map((id) => ({ id, inFlight: inFlight[id] ?? 0, available: true }));

describe("HashRing (consistent hashing)", () => {
  it("maps keys the same way in every instance, whatever order the replicas are listed in", () => {
    const a = new HashRing(urls);
    const b = new HashRing([...urls].reverse());
    for (const k of keys) expect(b.walk(keyPosition(k))[0]).toBe(a.walk(keyPosition(k))[0]);
  });

  it("spreads keys over every replica", () => {
    const ring = new HashRing(urls);
    const counts = new Map<string, number>();
    for (const k of keys) {
      const id = ring.walk(keyPosition(k))[0] as string;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const u of urls) expect(counts.get(u) ?? 0).toBeGreaterThan(keys.length / 6);
  });

  it("removing a replica remaps only the keys it held", () => {
    const full = new HashRing(urls);
    const less = new HashRing(urls.slice(0, 2));
    let moved = 0;
    for (const k of keys) {
      const before = full.walk(keyPosition(k))[0];
      const after = less.walk(keyPosition(k))[0];
      if (before === urls[2]) moved++;
      else expect(after).toBe(before);
    }
    expect(moved).toBeGreaterThan(0);
  });

  it("walks every replica once", () => {
    expect(new HashRing(urls).walk(123).sort()).toEqual([...urls].sort());
  });
});

describe("prefix balancer (CHWBL)", () => {
  it("keeps a key on one replica while loads are even", () => {
    const b = createBalancer("prefix", urls, 1.25);
    const first = b.pick("abcdef0123456789", loads(urls));
    for (let i = 0; i < 5; i++) expect(b.pick("abcdef0123456789", loads(urls))).toBe(first);
  });

  it("bounds the load when one conversation floods the pool", () => {
    const b = createBalancer("prefix", urls, 1.25);
    const inFlight: Record<string, number> = {};
    for (let m = 1; m <= 60; m++) {
      const id = b.pick("ffffffff00000000", loads(urls, inFlight)) as string;
      inFlight[id] = (inFlight[id] ?? 0) + 1;
      // After m requests no replica holds more than ceil(1.25 x m / 3).
      for (const u of urls) expect(inFlight[u] ?? 0).toBeLessThanOrEqual(Math.ceil((1.25 * m) / 3));
    }
    // The two others absorb the rest: each holds at least 60 - 2 x 25.
    for (const u of urls) expect(inFlight[u]).toBeGreaterThanOrEqual(10);
  });

  it("keeps a conversation on its replica while that replica has a free slot", () => {
    const b = createBalancer("prefix", urls, 1.25);
    const key = "0123456789abcdef";
    const home = b.pick(key, loads(urls)) as string;
    // One request in flight there: the bound alone (ceil(1.25 x 2 / 3) = 1) would move the next.
    const busy = loads(urls, { [home]: 1 });
    expect(b.pick(key, busy)).not.toBe(home);
    expect(
      b.pick(
        key,
        busy.map((l) => ({ ...l, slots: 2 })),
      ),
    ).toBe(home);
    // Past its slots the bound applies again.
    expect(
      b.pick(
        key,
        loads(urls, { [home]: 2 }).map((l) => ({ ...l, slots: 2 })),
      ),
    ).not.toBe(home);
  });

  it("skips an unavailable replica and moves only its keys", () => {
    const b = createBalancer("prefix", urls, 1.25);
    const down = loads(urls).map((l) => (l.id === urls[1] ? { ...l, available: false } : l));
    for (const k of keys.slice(0, 100)) {
      const before = b.pick(k, loads(urls));
      const after = b.pick(k, down);
      expect(after).not.toBe(urls[1]);
      if (before !== urls[1]) expect(after).toBe(before);
    }
    expect(
      b.pick(
        "k",
        loads(urls).map((l) => ({ ...l, available: false })),
      ),
    ).toBeUndefined();
  });

  it("admits by ceil(loadFactor x mean after the request)", () => {
    expect(withinBound(0, 0, 3, 1.25)).toBe(true);
    expect(withinBound(1, 1, 3, 1.25)).toBe(false);
    expect(withinBound(0, 1, 3, 1.25)).toBe(true);
    expect(withinBound(3, 8, 3, 1.25)).toBe(true); // 4 <= ceil(1.25 x 9 / 3) = 4
    expect(withinBound(4, 8, 3, 1.25)).toBe(false);
  });
});

describe("least-loaded and round-robin balancers", () => {
  it("least-loaded takes the replica with the fewest in flight", () => {
    const b = createBalancer("least-loaded", urls, 1.25);
    expect(
      b.pick("k", loads(urls, { [urls[0] as string]: 2, [urls[1] as string]: 1, [urls[2] as string]: 3 })),
    ).toBe(urls[1]);
  });

  it("round-robin cycles through the available replicas", () => {
    const b = createBalancer("round-robin", urls, 1.25);
    expect([1, 2, 3, 4].map(() => b.pick("k", loads(urls)))).toEqual([urls[0], urls[1], urls[2], urls[0]]);
  });
});
