import type { RequestHandler } from "express";
import type { Generation } from "../forward/context.js";
import { summarizeHealth } from "../health/summary.js";
import { policiesHealth } from "../policies/health-view.js";

/** GET /health: 200 when healthy or degraded, 503 when no target can serve. */
export function healthHandler(current: () => Generation, now: () => number): RequestHandler {
  return (_req, res) => {
    const gen = current();
    const summary = summarizeHealth(gen.targets.list, now());
    // Model groups and experiments (policies/health-view.ts) follow the targets.
    res
      .status(summary.status === "unhealthy" ? 503 : 200)
      .json({ ...summary, ...policiesHealth(gen.config, now()) });
  };
}
