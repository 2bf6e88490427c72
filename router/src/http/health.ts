import type { RequestHandler } from "express";
import type { Generation } from "../forward/context.js";
import { summarizeHealth } from "../health/summary.js";

/** GET /health: 200 when healthy or degraded, 503 when no target can serve. */
export function healthHandler(current: () => Generation, now: () => number): RequestHandler {
  return (_req, res) => {
    const summary = summarizeHealth(current().targets.list, now());
    res.status(summary.status === "unhealthy" ? 503 : 200).json(summary);
  };
}
