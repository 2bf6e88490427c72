import { setImmediate as tick } from "node:timers/promises";
import { EventBus } from "../../src/events/bus.js";
import { type RouterEvent, routerEvent } from "../../src/events/schema.js";
import { TargetWatcher } from "../../src/events/target-watch.js";
import type { Target } from "../../src/targets/target.js";

const alert = (tenant: string): RouterEvent => ({
  type: "budget.alert",
  time: new Date(0).toISOString(),
  tenant,
  scope: `tenant:${tenant}`,
  period: "daily",
  threshold: 0.8,
  limitUsd: 1,
  spentUsd: 0.8,
});
const circuit = (target: string): RouterEvent => ({
  type: "circuit_open",
  time: new Date(0).toISOString(),
  target,
});

describe("event bus", () => {
  it("delivers matching events after publish returns, in order, with sequence numbers", async () => {
    const bus = new EventBus();
    const got: [string, number][] = [];
    bus.subscribe({ types: ["budget.alert"] }, (e, { seq }) => {
      got.push([e.type, seq]);
    });
    bus.publish(alert("a"));
    bus.publish(circuit("t"));
    bus.publish(alert("b"));
    expect(got).toEqual([]); // never delivered on the publisher's stack
    await tick();
    expect(got).toEqual([
      ["budget.alert", 1],
      ["budget.alert", 3],
    ]);
  });

  it("filters by tenant, leaving out router-wide events", async () => {
    const bus = new EventBus();
    const got: RouterEvent[] = [];
    bus.subscribe({ tenant: "a" }, (e) => {
      got.push(e);
    });
    bus.publish(alert("a"));
    bus.publish(alert("b"));
    bus.publish(circuit("t"));
    await tick();
    expect(got.map((e) => ("tenant" in e ? e.tenant : e.type))).toEqual(["a"]);
  });

  it("bounds a slow subscriber's queue, drops its oldest events and never blocks publish", async () => {
    const bus = new EventBus({ queueLimit: 3 });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const seen: number[] = [];
    bus.subscribe({}, async (_e, { seq }) => {
      seen.push(seq);
      await gate;
    });
    bus.publish(alert("a"));
    await tick(); // the handler now holds event 1
    for (let i = 0; i < 10; i++) bus.publish(alert("a"));
    expect(bus.dropped).toBe(7);
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([1, 9, 10, 11]);
  });

  it("keeps a thrown handler from reaching the publisher or other subscribers", async () => {
    const errors: unknown[] = [];
    const bus = new EventBus({ onError: (err) => errors.push(err) });
    const got: string[] = [];
    bus.subscribe({}, () => {
      throw new Error("boom");
    });
    bus.subscribe({}, (e) => {
      got.push(e.type);
    });
    expect(() => bus.publish(alert("a"))).not.toThrow();
    await tick();
    expect(got).toEqual(["budget.alert"]);
    expect(errors).toHaveLength(1);
  });

  it("unsubscribes, and replays recent events by filter", async () => {
    const bus = new EventBus({ historySize: 2 });
    const got: RouterEvent[] = [];
    const off = bus.subscribe({}, (e) => {
      got.push(e);
    });
    off();
    bus.publish(alert("a"));
    bus.publish(alert("b"));
    bus.publish(alert("a"));
    await tick();
    expect(got).toEqual([]);
    expect(bus.recent({ tenant: "a" }).map((r) => r.meta.seq)).toEqual([3]);
    expect(bus.recent().map((r) => r.meta.seq)).toEqual([2, 3]);
  });

  it("publishes target_state and circuit_open when a target's circuit opens", async () => {
    let state: "closed" | "open" = "closed";
    const target = {
      name: "t1",
      health: () => (state === "open" ? "unhealthy" : "healthy"),
      isCold: () => false,
      breaker: {
        get state() {
          return state;
        },
      },
    } as unknown as Target;
    const bus = new EventBus();
    const got: RouterEvent[] = [];
    bus.subscribe({}, (e) => {
      got.push(e);
    });
    const w = new TargetWatcher(() => [target], bus);
    w.check();
    w.check();
    state = "open";
    w.check();
    await tick();
    expect(got.map((e) => e.type)).toEqual(["circuit_open", "target_state"]);
    expect(routerEvent.parse(got[1])).toMatchObject({
      target: "t1",
      health: "unhealthy",
      circuit: "open",
      previous: { health: "healthy", circuit: "closed", cold: false },
    });
  });
});
