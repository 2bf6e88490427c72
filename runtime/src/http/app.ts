import { HttpError } from "@llm/contracts";
import express, { type Express, type RequestHandler } from "express";
import type { Logger } from "pino";
import type { EndpointLabel, RuntimeMetrics } from "../metrics/metrics.js";
import type { RuntimeState } from "../server/state.js";
import { hmacAuth } from "./auth.js";
import { jsonBody, rawBody } from "./body.js";
import { errorHandler } from "./errors.js";
import { chatCompletions } from "./handlers/chat.js";
import { completions } from "./handlers/completions.js";
import type { HandlerDeps } from "./handlers/context.js";
import { embeddings } from "./handlers/embeddings.js";
import { health, ready } from "./handlers/health.js";
import { metrics } from "./handlers/metrics.js";
import { models } from "./handlers/models.js";
import { tokenize } from "./handlers/tokenize.js";
import { tracing } from "./tracing.js";

export interface AppDeps {
  state: RuntimeState;
  metrics: RuntimeMetrics;
  logger: Logger;
  /** HMAC secrets for cluster auth; empty disables it (local use). */
  hmacSecrets: readonly string[];
  /** Largest accepted body; larger -> 413. */
  maxBodyBytes: number;
  /** Epoch ms the process started (uptime, /v1/models `created`). Defaults to now. */
  startedAt?: number;
}

const endpointOf: Record<string, EndpointLabel> = {
  "/v1/chat/completions": "chat_completions",
  "/v1/completions": "completions",
  "/v1/embeddings": "embeddings",
  "/v1/models": "models",
  "/health": "health",
  "/ready": "ready",
  "/metrics": "metrics",
  "/v1/health": "health",
  "/v1/metrics": "metrics",
};

/** Stamps arrival time, counts requests and durations once the response closes (finished or not). */
function observe(deps: AppDeps): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.locals.receivedAt = started;
    const endpoint = endpointOf[req.path] ?? "other";
    const inference = req.method === "POST" && req.path.startsWith("/v1/");
    const done = inference ? deps.state.track() : undefined;
    res.on("close", () => {
      done?.();
      // 499 (nginx's "client closed request") when the client left before any response.
      const status = res.headersSent ? String(res.statusCode) : "499";
      deps.metrics.requests.inc({ endpoint, status });
      deps.metrics.requestDuration.observe({ endpoint }, (performance.now() - started) / 1000);
    });
    next();
  };
}

/** The OpenAI-compatible app. Never listens: see server/start.ts. */
export function createApp(deps: AppDeps): Express {
  const startedAt = deps.startedAt ?? Date.now();
  const h: HandlerDeps = { state: deps.state, metrics: deps.metrics, logger: deps.logger };
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use(observe(deps));
  app.use(tracing());

  // Probes and scraping stay unauthenticated: kubelet and Prometheus cannot sign requests, and they
  // reach the pod in-cluster. The public Ingress routes only /v1, so the router polls the signed
  // /v1/health and /v1/metrics below instead.
  app.get("/health", health(h, startedAt));
  app.get("/ready", ready(h));
  app.get("/metrics", metrics(h));

  const v1 = express.Router();
  v1.use(rawBody(deps.maxBodyBytes), hmacAuth(deps.hmacSecrets), jsonBody());
  v1.post("/chat/completions", chatCompletions(h));
  v1.post("/completions", completions(h));
  v1.post("/embeddings", embeddings(h));
  v1.post("/tokenize", tokenize(h));
  v1.get("/models", models(h, startedAt));
  v1.get("/health", health(h, startedAt));
  v1.get("/metrics", metrics(h));
  app.use("/v1", v1);

  app.use((req, _res, next) => {
    next(new HttpError(404, `Unknown endpoint ${req.method} ${req.path}`, { code: "not_found" }));
  });
  app.use(errorHandler(deps.logger));
  return app;
}
