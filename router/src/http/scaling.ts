import { errorBody } from "@llm/contracts";
import type { RequestHandler } from "express";
import type { Generation } from "../forward/context.js";

/**
 * GET /scaling/:target — the wake-up signal for a scale-to-zero pool, for KEDA's metrics-api
 * scaler (`valueLocation: pendingDemand`): `{"target":"aws-gpu","pendingDemand":3.2,"cold":true}`.
 */
export function scalingHandler(current: () => Generation): RequestHandler {
  return (req, res) => {
    const name = String(req.params.target);
    const t = current().targets.byName.get(name);
    if (t?.kind !== "cluster") {
      res.status(404).json(errorBody(404, `Unknown cluster target "${name}"`, { code: "unknown_target" }));
      return;
    }
    res.json({
      target: t.name,
      pendingDemand: t.demand.current(),
      cold: t.isCold(),
      ready: t.live.ready ?? null,
    });
  };
}
