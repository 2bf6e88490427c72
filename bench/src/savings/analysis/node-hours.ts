import type { PoolHistory } from "../fleet/autoscaler.js";
import type { FakeCluster } from "../scenario/schema.js";

/** What one pool's nodes cost over a run: a row of a run's `pools` in savings.json. */
export interface PoolBill {
  name: string;
  pool: "cpu" | "gpu";
  scaleToZero: boolean;
  costPerHour: number;
  /** Simulated node-hours billed: the whole run for an always-on pool, warm-up + warm for scale to zero. */
  billedHours: number;
  /** billedHours × costPerHour. */
  costUsd: number;
}

/**
 * Node-hours of every pool over a run's full simulated duration, on the simulated clock: an
 * always-on pool is billed all of it (its nodes run whether or not requests come); a
 * scale-to-zero pool from each wake-up signal to its scale-down, i.e. its warm-up (node boot,
 * image pull, model load), its busy time and its idle cool-down window, as the KEDA stand-in
 * played them. Without clusters (the all-external baseline) nothing is billed.
 */
export function poolBills(input: {
  clusters: readonly FakeCluster[];
  history: readonly PoolHistory[];
  /** Simulated hours of the run. */
  simulatedHours: number;
  /** Real ms of the run, which the simulated hours map onto. */
  realDurationMs: number;
}): PoolBill[] {
  const hoursPerMs = input.simulatedHours / Math.max(1, input.realDurationMs);
  return input.clusters.map((c) => {
    const h = input.history.find((p) => p.name === c.name);
    const billedHours = c.scaleToZero
      ? Math.min(input.simulatedHours, ((h?.warmMs ?? 0) + (h?.startingMs ?? 0)) * hoursPerMs)
      : input.simulatedHours;
    return {
      name: c.name,
      pool: c.pool,
      scaleToZero: c.scaleToZero,
      costPerHour: c.costPerHour,
      billedHours,
      costUsd: billedHours * c.costPerHour,
    };
  });
}
