import { type RedisServer, startRedisServer } from "@llm/testing";
import { Redis } from "ioredis";
import { PendingDemand } from "../../src/scaling/demand.js";
import { demandAt, demandKeys, EPOCH_HALF_LIVES, SharedDemand } from "../../src/scaling/shared-demand.js";
import {
  type IncrOptions,
  type KeyValueStore,
  NamespacedKeyValue,
  namespacePrefix,
  type SetOptions,
} from "../../src/state/key-value.js";
import { MemoryStateStore } from "../../src/state/memory.js";
import { RedisStateStore } from "../../src/state/redis.js";
import type { Target } from "../../src/targets/target.js";
import { listen, silent } from "../helpers/router.js";

const H = 60_000;

/** A store that refuses every operation while `down` (as Redis does when unreachable). */
class FlakyKeyValue implements KeyValueStore {
  down = true;
  /** Never answer (a store that is reachable but stuck). */
  hang = false;
  constructor(private readonly inner: KeyValueStore) {}
  private gate<T>(f: () => Promise<T>): Promise<T> {
    if (this.hang) return new Promise<T>(() => undefined);
    return this.down ? Promise.reject(new Error("connect ECONNREFUSED")) : f();
  }
  get(k: string) {
    return this.gate(() => this.inner.get(k));
  }
  getMany(k: readonly string[]) {
    return this.gate(() => this.inner.getMany(k));
  }
  set(k: string, v: string, o: SetOptions) {
    return this.gate(() => this.inner.set(k, v, o));
  }
  delete(k: string) {
    return this.gate(() => this.inner.delete(k));
  }
  incr(k: string, by: number, o: IncrOptions) {
    return this.gate(() => this.inner.incr(k, by, o));
  }
  publish(c: string, m: string) {
    return this.gate(() => this.inner.publish(c, m));
  }
  subscribe(c: string, fn: (m: string) => void) {
    return this.gate(() => this.inner.subscribe(c, fn));
  }
  namespace(...segments: string[]): KeyValueStore {
    return new NamespacedKeyValue(this, namespacePrefix(segments));
  }
}

describe("decaying demand as a growth-scaled sum", () => {
  it("reads the same count as a local decaying counter, across epoch boundaries", async () => {
    let now = 5 * H * EPOCH_HALF_LIVES - 3 * H; // three half-lives before an epoch boundary
    const local = new PendingDemand(H, () => now);
    const shared = new PendingDemand(H, () => now);
    const target = { name: "gpu", demand: shared } as unknown as Target;
    const sync = new SharedDemand({
      kv: new MemoryStateStore(() => now).kv,
      targets: () => [target],
      now: () => now,
      logger: silent,
    });
    for (const [step, adds] of [
      [0, 3],
      [H, 1],
      [2.5 * H, 2],
      [H, 0], // crosses the boundary
      [7 * H, 4],
      [EPOCH_HALF_LIVES * H, 1], // a whole epoch later
    ] as const) {
      now += step;
      local.add(adds);
      shared.add(adds);
      await sync.sync(target);
      // Adds over two epochs old are dropped: they have decayed below 2^-16 of their size (here ~3e-8).
      expect(shared.current()).toBeCloseTo(local.current(), 6);
    }
    await sync.close();
  });

  it("keys epochs by half-life, so a changed half-life starts a fresh series", () => {
    const k = demandKeys(10 * H * EPOCH_HALF_LIVES + 5, H);
    expect(k.current).toBe(`${H}:${10 * H * EPOCH_HALF_LIVES}`);
    expect(k.previous).toBe(`${H}:${9 * H * EPOCH_HALF_LIVES}`);
    expect(demandKeys(0, 10_000).current).toBe("10000:0");
    // One unit in the previous epoch's sum, read one half-life into the current epoch.
    expect(demandAt(k.epoch + H, H, 0, 2 ** EPOCH_HALF_LIVES)).toBeCloseTo(0.5, 12);
  });

  it("keeps counting locally while the store fails, and pushes the backlog once it is back", async () => {
    let now = 1_000_000;
    const kv = new FlakyKeyValue(new MemoryStateStore(() => now).kv);
    const warnings: unknown[] = [];
    const logger = { ...silent, warn: (o: unknown) => warnings.push(o) } as unknown as typeof silent;
    const d = new PendingDemand(H, () => now);
    const target = { name: "gpu", demand: d } as unknown as Target;
    const sync = new SharedDemand({ kv, targets: () => [target], now: () => now, logger });
    d.add(2);
    await sync.sync(target);
    await sync.sync(target);
    expect(d.current()).toBe(2);
    expect(warnings).toHaveLength(1); // once per distinct error, not per sync
    kv.down = false;
    now += H;
    await sync.sync(target);
    expect(d.current()).toBeCloseTo(1, 9);
    // The store now holds it: a fresh replica reads the same.
    const other = new PendingDemand(H, () => now);
    await sync.sync({ name: "gpu", demand: other } as unknown as Target);
    expect(other.current()).toBeCloseTo(1, 9);
  });

  it("answers from this replica's count when the store is stuck past the wait bound", async () => {
    const kv = new FlakyKeyValue(new MemoryStateStore().kv);
    kv.hang = true;
    const clock = () => 1_000_000;
    const d = new PendingDemand(H, clock);
    const target = { name: "gpu", demand: d } as unknown as Target;
    const sync = new SharedDemand({ kv, targets: () => [], now: clock, logger: silent });
    d.add(1);
    const t0 = Date.now();
    await sync.syncWithin(target, 50);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(d.current()).toBe(1);
  });
});

describe("/scaling/<target> shared by router replicas through one Redis", () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  let now = 1_700_000_000_000;
  const raw = {
    router: { pendingDemandHalfLife: "60s" },
    clusters: [
      // Unreachable, so the first poll marks it cold.
      { name: "aws-gpu", endpoint: "http://127.0.0.1:1", models: ["tiny"], pool: "gpu", scaleToZero: true },
    ],
  };

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await redis.stop();
  });

  async function replica() {
    const client = new Redis(redis.url);
    clients.push(client);
    const state = new RedisStateStore({ url: redis.url, client, keyPrefix: "demand-test:" });
    const r = await listen(raw, { clock: () => now, state });
    await r.app.poller.pollAll();
    return r;
  }
  const scaling = async (url: string) =>
    (await (await fetch(`${url}/scaling/aws-gpu`)).json()) as Record<string, unknown>;

  it("answers the same from both replicas, and a restarted replica keeps the decayed count", async () => {
    const a = await replica();
    const b = await replica();
    try {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${a.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-router-target": "aws-gpu" },
          body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "hi" }] }),
        });
        expect(res.status).toBe(503); // a pin to a cold pool: come back later, and it counts as demand
      }
      const fromA = await scaling(a.url);
      const fromB = await scaling(b.url);
      expect(fromA).toEqual({
        target: "aws-gpu",
        pendingDemand: expect.any(Number),
        cold: true,
        ready: null,
      });
      expect(fromA.pendingDemand).toBeCloseTo(3, 9);
      expect(fromB).toEqual(fromA);

      // B's /metrics carries the shared count and the cold gauge.
      const metrics = await (await fetch(`${b.url}/metrics`)).text();
      expect(metrics).toMatch(/llm_router_pending_demand\{target="aws-gpu"\} 3(\.0*\d*)?\n/);
      expect(metrics).toContain('llm_router_target_cold{target="aws-gpu"} 1');

      now += 60_000; // one half-life
      expect((await scaling(b.url)).pendingDemand).toBeCloseTo(1.5, 9);
    } finally {
      await a.close();
      await b.close();
    }
    now += 60_000;
    const c = await replica();
    try {
      expect((await scaling(c.url)).pendingDemand).toBeCloseTo(0.75, 9);
    } finally {
      await c.close();
    }
  });
});
