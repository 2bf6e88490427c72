import type { Target } from "../targets/target.js";
import type { EventBus } from "./bus.js";
import type { TargetStateEvent } from "./schema.js";

type Snapshot = Pick<TargetStateEvent, "health" | "circuit" | "cold">;

/**
 * Publishes `target_state` (and `circuit_open`) when a target's health, circuit or cold state
 * changes. It compares snapshots on a timer instead of hooking the breaker and the poller, so the
 * request path and the health code stay as they are; a change is seen within `intervalMs`.
 * The first look at a target only records it (no event for the starting state).
 */
export class TargetWatcher {
  private readonly last = new Map<string, Snapshot>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly targets: () => readonly Target[],
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts checking every `intervalMs` (unref'd: it never keeps the process alive). */
  start(intervalMs = 1000): void {
    this.stop();
    this.timer = setInterval(() => this.check(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One comparison pass (exported for tests and for callers that know something changed). */
  check(): void {
    const seen = new Set<string>();
    for (const t of this.targets()) {
      seen.add(t.name);
      const snap: Snapshot = { health: t.health(), circuit: t.breaker.state, cold: t.isCold() };
      const prev = this.last.get(t.name);
      this.last.set(t.name, snap);
      if (!prev) continue;
      if (prev.health === snap.health && prev.circuit === snap.circuit && prev.cold === snap.cold) continue;
      const time = new Date(this.now()).toISOString();
      if (snap.circuit === "open" && prev.circuit !== "open")
        this.bus.publish({ type: "circuit_open", time, target: t.name });
      this.bus.publish({ type: "target_state", time, target: t.name, ...snap, previous: prev });
    }
    for (const name of this.last.keys()) if (!seen.has(name)) this.last.delete(name);
  }
}
