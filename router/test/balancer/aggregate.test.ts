import { ReplicaPool } from "../../src/balancer/replica-pool.js";
import type { ProviderAdapter } from "../../src/providers/types.js";
import { config } from "../helpers/router.js";

const idle: ProviderAdapter = {
  chat: () => Promise.reject(new Error("not called")),
  chatStream: () => Promise.reject(new Error("not called")),
};

describe("ReplicaPool.aggregate (the pool target's figures)", () => {
  const cfg = config({ clusters: [{ name: "p", endpoints: ["http://a:1", "http://b:1", "http://c:1"] }] });
  const pool = () => new ReplicaPool(cfg.clusters[0] as never, cfg.router, () => idle);

  it("sums queue depth, capacity and served rate; takes the worst decode rate of the ready replicas", () => {
    const p = pool();
    const [a, b, c] = p.replicas;
    if (!a || !b || !c) throw new Error("three replicas");
    a.live = {
      polledAt: 1,
      reachable: true,
      ready: true,
      queueDepth: 2,
      tokensPerSecond: 30,
      capacitySource: "runtime",
      decodeTokensPerSecond: 12,
      servedTokensPerSecond: 5,
    };
    b.live = {
      polledAt: 1,
      reachable: true,
      ready: true,
      queueDepth: 1,
      tokensPerSecond: 20,
      capacitySource: "runtime",
      decodeTokensPerSecond: 9,
      servedTokensPerSecond: 1,
    };
    c.live = { polledAt: 1, reachable: false, lastError: "ECONNREFUSED" };
    expect(p.aggregate(5)).toMatchObject({
      polledAt: 5,
      reachable: true,
      ready: true,
      queueDepth: 3,
      tokensPerSecond: 50,
      decodeTokensPerSecond: 9,
      servedTokensPerSecond: 6,
      lastError: "http://c:1: ECONNREFUSED",
    });
    expect(p.replicas.map((r) => r.available)).toEqual([true, true, false]);
  });

  it("is unreachable only when every replica is, and not ready when none is", () => {
    const p = pool();
    for (const r of p.replicas) r.live = { polledAt: 1, reachable: true, ready: false };
    expect(p.aggregate(2)).toMatchObject({ reachable: true, ready: false });
    for (const r of p.replicas) r.live = { polledAt: 1, reachable: false };
    expect(p.aggregate(2)).toMatchObject({ reachable: false });
  });
});
