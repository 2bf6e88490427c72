import { type RedisServer, startRedisServer } from "@llm/testing";
import { Redis } from "ioredis";
import { KeyValueLimitError, type KeyValueStore } from "../../src/state/key-value.js";
import { MemoryStateStore } from "../../src/state/memory.js";
import { RedisStateStore } from "../../src/state/redis.js";
import type { StateStore } from "../../src/state/types.js";

let redis: RedisServer;
const opened: StateStore[] = [];
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  for (const s of opened) await s.close();
  for (const c of clients) c.disconnect();
  await redis.stop();
});

let prefixSeq = 0;

/**
 * Two handles on one store, as two router replicas see it: for memory both are the same process's
 * store; for Redis each has its own connection to one server.
 */
const implementations: [string, (maxValueBytes?: number) => [KeyValueStore, KeyValueStore]][] = [
  [
    "memory",
    (maxValueBytes) => {
      const s = new MemoryStateStore(Date.now, { maxValueBytes });
      opened.push(s);
      return [s.kv, s.kv];
    },
  ],
  [
    "redis",
    (maxValueBytes) => {
      const keyPrefix = `kvtest${++prefixSeq}:`;
      const [a, b] = [0, 1].map((): KeyValueStore => {
        const client = new Redis(redis.url);
        clients.push(client);
        const s = new RedisStateStore({ url: redis.url, client, keyPrefix, maxValueBytes });
        opened.push(s);
        return s.kv;
      });
      return [a!, b!];
    },
  ],
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Subscribes; `message` resolves with the first message on `channel`, or "(timeout)" after `ms`. */
function nextMessage(kv: KeyValueStore, channel: string, ms = 2000): Promise<{ message: Promise<string> }> {
  return new Promise((ready, fail) => {
    let resolveMsg!: (m: string) => void;
    const message = new Promise<string>((r) => {
      resolveMsg = r;
    });
    const timer = setTimeout(() => resolveMsg("(timeout)"), ms);
    kv.subscribe(channel, (m) => {
      clearTimeout(timer);
      resolveMsg(m);
    }).then(() => ready({ message }), fail);
  });
}

describe.each(implementations)("key/value contract: %s", (_name, open) => {
  it("sets, gets across replicas, and deletes", async () => {
    const [a, b] = open();
    expect(await a.get("k")).toBeUndefined();
    expect(await a.set("k", JSON.stringify({ id: "resp_1", n: 1 }), { ttlMs: 60_000 })).toBe(true);
    expect(JSON.parse((await b.get("k"))!)).toEqual({ id: "resp_1", n: 1 });
    expect(await b.delete("k")).toBe(true);
    expect(await b.delete("k")).toBe(false);
    expect(await a.get("k")).toBeUndefined();
  });

  it("expires an entry after its TTL", async () => {
    const [a, b] = open();
    await a.set("short", "v", { ttlMs: 60 });
    await a.set("long", "v", { ttlMs: 60_000 });
    expect(await b.get("short")).toBe("v");
    await sleep(120);
    expect(await b.get("short")).toBeUndefined();
    expect(await b.getMany(["short", "long", "never"])).toEqual([undefined, "v", undefined]);
  });

  it("writes ifAbsent only once, so one replica wins a race", async () => {
    const [a, b] = open();
    const wins = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).set("once", String(i), { ttlMs: 60_000, ifAbsent: true }),
      ),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
    // A plain set overwrites.
    expect(await a.set("once", "x", { ttlMs: 60_000 })).toBe(true);
    expect(await b.get("once")).toBe("x");
  });

  it("increments floats atomically across replicas, keeping the first TTL", async () => {
    const [a, b] = open();
    const adds = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).incr("n", 0.25, { ttlMs: 60_000 })),
    );
    expect(Math.max(...adds)).toBe(10);
    expect(await a.incr("n", -2.5, { ttlMs: 60_000 })).toBe(7.5);
    expect(Number(await b.get("n"))).toBe(7.5);
    await a.incr("c", 1, { ttlMs: 80 });
    await sleep(40);
    await a.incr("c", 1, { ttlMs: 60_000 }); // does not extend the counter's life
    await sleep(80);
    expect(await b.get("c")).toBeUndefined();
  });

  it("refuses to increment a value that is not a number", async () => {
    const [a] = open();
    await a.set("text", "hello", { ttlMs: 60_000 });
    await expect(a.incr("text", 1, { ttlMs: 60_000 })).rejects.toThrow(/not a valid float/);
  });

  it("refuses values over the size bound and non-positive TTLs, naming the key", async () => {
    const [a] = open(16);
    await expect(a.set("big", "x".repeat(17), { ttlMs: 1000 })).rejects.toThrow(KeyValueLimitError);
    await expect(a.set("big", "x".repeat(17), { ttlMs: 1000 })).rejects.toThrow(/"big" is 17 bytes/);
    await expect(a.set("k", "v", { ttlMs: 0 })).rejects.toThrow(/ttlMs must be a positive/);
    expect(await a.set("ok", "x".repeat(16), { ttlMs: 1000 })).toBe(true);
  });

  it("keeps namespaces apart, including segments that contain the separator", async () => {
    const [a, b] = open();
    const t1 = a.namespace("responses", "tenant-a");
    const t2 = b.namespace("responses", "tenant-b");
    await t1.set("resp_1", "a's answer", { ttlMs: 60_000 });
    expect(await t2.get("resp_1")).toBeUndefined();
    expect(await b.namespace("responses", "tenant-a").get("resp_1")).toBe("a's answer");
    await a.namespace("x:y").set("k", "1", { ttlMs: 60_000 });
    expect(await a.namespace("x", "y").get("k")).toBeUndefined();
    expect(await a.namespace("x:y").get("k")).toBe("1");
    expect(await a.get("k")).toBeUndefined();
  });

  it("delivers a published message to subscribers on every replica, and stops after unsubscribe", async () => {
    const [a, b] = open();
    const onB = await nextMessage(b.namespace("revocations"), "keys");
    const onA = await nextMessage(a.namespace("revocations"), "keys");
    const otherNs = await nextMessage(b.namespace("other"), "keys", 200);
    await a.namespace("revocations").publish("keys", "key-42");
    expect(await onB.message).toBe("key-42");
    expect(await onA.message).toBe("key-42");
    expect(await otherNs.message).toBe("(timeout)");

    const seen: string[] = [];
    const off = await b.subscribe("chan", (m) => seen.push(m));
    await a.publish("chan", "1");
    await sleep(50);
    await off();
    await a.publish("chan", "2");
    await sleep(50);
    expect(seen).toEqual(["1"]);
  });
});

describe("memory key/value bounds", () => {
  it("drops the oldest-written entries once the byte bound is passed", async () => {
    const kv = new MemoryStateStore(Date.now, { maxBytes: 100 }).kv;
    for (let i = 0; i < 10; i++) await kv.set(`k${i}`, "x".repeat(18), { ttlMs: 60_000 }); // 20 bytes each
    const got = await kv.getMany(Array.from({ length: 10 }, (_, i) => `k${i}`));
    expect(got.filter((v) => v !== undefined)).toHaveLength(5);
    expect(got.slice(5).every((v) => v !== undefined)).toBe(true);
  });
});
