import type { RequestHandler } from "express";
import type { HandlerDeps } from "./context.js";

/** GET /metrics: Prometheus text from the runtime's own registry. */
export function metrics(deps: HandlerDeps): RequestHandler {
  return async (_req, res) => {
    res.setHeader("Content-Type", deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  };
}
