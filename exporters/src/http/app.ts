import { HttpError } from "@llm/contracts";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import type { ExporterMetrics } from "../metrics/exporter-metrics.js";
import type { PoolSummary } from "../pools/summary.js";

export interface AppDeps {
  /** Cluster name reported in `/v1/pools`. */
  cluster: string;
  metrics: ExporterMetrics;
  /** Latest pool summaries (the collector's). */
  summaries: () => PoolSummary[];
  /** Epoch ms of the last completed refresh, undefined before the first. */
  lastRefreshAt: () => number | undefined;
}

/** The exporter's HTTP app: `/metrics`, `/health`, `/v1/pools`. Never listens (see server.ts). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");

  app.get("/metrics", async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.get("/health", (_req, res) => {
    const at = deps.lastRefreshAt();
    // Liveness only: a failing API server is reported through stale pools and error counters, not by
    // restarting the exporter.
    res.json({
      status: "ok",
      refreshed: at !== undefined,
      lastRefreshAt: at ? new Date(at).toISOString() : null,
    });
  });

  app.get("/v1/pools", (_req, res) => {
    const at = deps.lastRefreshAt();
    res.json({
      object: "list",
      cluster: deps.cluster,
      updatedAt: at ? new Date(at).toISOString() : null,
      data: deps.summaries(),
    });
  });

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new HttpError(404, `Unknown path ${req.method} ${req.path}`, { code: "not_found" }));
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const httpErr = err instanceof HttpError ? err : new HttpError(500, "Internal error");
    res.status(httpErr.status).json(httpErr.toBody());
  });

  return app;
}
