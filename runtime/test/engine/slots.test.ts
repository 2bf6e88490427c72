import { HttpError } from "@llm/contracts";
import { SlotPool } from "../../src/engine/slots.js";

describe("SlotPool", () => {
  it("lends free slots, queues up to capacity, then answers 429 with Retry-After", async () => {
    const changes: [number, number][] = [];
    const pool = new SlotPool(["a", "b"], { queueCapacity: 1, onChange: (b, w) => changes.push([b, w]) });
    const l1 = await pool.acquire();
    const l2 = await pool.acquire();
    expect(pool.busy).toBe(2);
    const queued = pool.acquire();
    expect(pool.waiting).toBe(1);
    const rejected = await pool.acquire().catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(HttpError);
    expect((rejected as HttpError).status).toBe(429);
    expect((rejected as HttpError).headers["Retry-After"]).toBe("1");

    l1.release();
    l1.release(); // idempotent: must not free a second slot
    const l3 = await queued;
    expect(l3.item).toBe(l1.item);
    expect(pool.busy).toBe(2);
    expect(pool.waiting).toBe(0);
    l2.release();
    l3.release();
    expect(pool.busy).toBe(0);
    expect(changes.at(-1)).toEqual([0, 0]);
  });

  it("drops a waiter whose signal aborts, so it never takes a slot", async () => {
    const pool = new SlotPool(["a"], { queueCapacity: 2 });
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    controller.abort(new Error("client gone"));
    await expect(waiting).rejects.toThrow("client gone");
    expect(pool.waiting).toBe(0);
    held.release();
    expect(pool.busy).toBe(0);
  });

  it("rejects all waiters on shutdown", async () => {
    const pool = new SlotPool(["a"], { queueCapacity: 2 });
    await pool.acquire();
    const w1 = pool.acquire();
    const w2 = pool.acquire();
    pool.rejectWaiters(new Error("shutting down"));
    await expect(w1).rejects.toThrow("shutting down");
    await expect(w2).rejects.toThrow("shutting down");
  });

  it("picks the free slot the scorer rates highest", async () => {
    const pool = new SlotPool(["x", "yy", "zzz"], { queueCapacity: 0 });
    const lease = await pool.acquire(undefined, (item) => (item === "yy" ? 10 : item.length));
    expect(lease.item).toBe("yy");
    const next = await pool.acquire(undefined, (item) => -item.length);
    expect(next.item).toBe("x");
  });
});
