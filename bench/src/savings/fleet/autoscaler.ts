import { request } from "undici";
import type { ClusterFake } from "./fleet.js";

/** Cold/warm history of one scale-to-zero pool. */
export interface PoolHistory {
  name: string;
  costPerHour: number;
  /** Times the pool was woken from zero. */
  coldStarts: number;
  /** Real ms the pool was warm (ready), its idle scale-down window included. */
  warmMs: number;
  /**
   * Real ms the pool spent starting (wake-up signal to ready): the node is up and billed while it
   * boots, pulls the image and loads the model, so this counts towards its node-hours too.
   */
  startingMs: number;
}

/** Options of {@link startAutoscaler}. */
export interface AutoscalerOptions {
  /** Router origin, for `GET /scaling/:target`. */
  routerURL: string;
  pools: ClusterFake[];
  /** Real ms from wake-up signal to ready. */
  coldStartMs: number;
  /** Real idle ms after which a warm pool scales back to zero. */
  scaleDownMs: number;
  /** Pending demand that wakes a pool (KEDA's activation threshold). Defaults to 0.5. */
  activation?: number;
  /** Tick in real ms. */
  tickMs: number;
}

/** A running autoscaler; `stop()` returns the pools' histories. */
export interface Autoscaler {
  /** True when the pool is at zero or still starting. */
  isCold(name: string): boolean;
  stop(): PoolHistory[];
}

/**
 * Plays KEDA + cluster-autoscaler for the scale-to-zero pools: reads the router's wake-up signal
 * (`/scaling/:target`, the endpoint KEDA's metrics-api scaler reads), makes the pool ready after
 * the cold-start delay, and takes it back to zero after it sat idle for the scale-down window.
 */
export function startAutoscaler(opts: AutoscalerOptions): Autoscaler {
  const activation = opts.activation ?? 0.5;
  const state = new Map(
    opts.pools.map((p) => [
      p.spec.name,
      {
        pool: p,
        phase: "cold" as "cold" | "starting" | "warm",
        readyAt: 0,
        startedAt: 0,
        warmSince: 0,
        lastBusy: 0,
        lastRequests: 0,
        history: {
          name: p.spec.name,
          costPerHour: p.spec.costPerHour,
          coldStarts: 0,
          warmMs: 0,
          startingMs: 0,
        } as PoolHistory,
      },
    ]),
  );
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const now = performance.now();
      for (const s of state.values()) {
        if (s.pool.dead) {
          if (s.phase === "warm") s.history.warmMs += now - s.warmSince;
          if (s.phase === "starting") s.history.startingMs += now - s.startedAt;
          s.phase = "cold";
          continue;
        }
        if (s.phase === "cold") {
          const res = await request(`${opts.routerURL}/scaling/${encodeURIComponent(s.pool.spec.name)}`);
          const body = (await res.body.json()) as { pendingDemand?: number };
          if ((body.pendingDemand ?? 0) >= activation) {
            s.phase = "starting";
            s.startedAt = now;
            s.readyAt = now + opts.coldStartMs;
          }
        } else if (s.phase === "starting" && now >= s.readyAt) {
          s.phase = "warm";
          s.history.startingMs += now - s.startedAt;
          s.warmSince = now;
          s.lastBusy = now;
          s.lastRequests = s.pool.server.requests;
          s.history.coldStarts++;
          s.pool.server.ready = true;
        } else if (s.phase === "warm") {
          if (s.pool.server.inFlight > 0 || s.pool.server.requests !== s.lastRequests) {
            s.lastBusy = now;
            s.lastRequests = s.pool.server.requests;
          } else if (now - s.lastBusy >= opts.scaleDownMs) {
            s.phase = "cold";
            s.pool.server.ready = false;
            s.history.warmMs += now - s.warmSince;
          }
        }
      }
    } catch {
      // The router is shutting down at the end of a run; the next tick (if any) retries.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.tickMs);
  return {
    isCold: (name) => state.get(name)?.phase !== "warm",
    stop() {
      clearInterval(timer);
      const now = performance.now();
      return [...state.values()].map((s) => {
        if (s.phase === "warm") s.history.warmMs += now - s.warmSince;
        if (s.phase === "starting") s.history.startingMs += now - s.startedAt;
        s.phase = "cold";
        return { ...s.history };
      });
    },
  };
}
