import { randomUUID } from "node:crypto";
import { HttpError } from "@llm/contracts";
import type { Request, Response } from "express";
import type { Logger } from "pino";
import { ClientGoneError } from "../../inference/errors.js";
import type { InferenceService } from "../../inference/service.js";
import type { RuntimeMetrics } from "../../metrics/metrics.js";
import type { RuntimeState } from "../../server/state.js";

/** What every handler is given. */
export interface HandlerDeps {
  state: RuntimeState;
  metrics: RuntimeMetrics;
  logger: Logger;
}

/** The inference service when the model is loaded; otherwise a 503 the router treats as "try elsewhere". */
export function requireService(state: RuntimeState): InferenceService {
  if (state.phase === "ready" && state.service) return state.service;
  if (state.phase === "draining") {
    throw new HttpError(503, "The runtime is shutting down", {
      code: "shutting_down",
      headers: { "Retry-After": "1" },
    });
  }
  if (state.phase === "failed")
    throw new HttpError(503, "The model failed to load", { code: "model_unavailable" });
  throw new HttpError(503, "The model is still loading", {
    code: "model_loading",
    headers: { "Retry-After": "5" },
  });
}

/** An abort signal that fires the moment the client goes away, so its sequence is freed at once. */
export function clientSignal(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort(new ClientGoneError());
  });
  return controller.signal;
}

/** performance.now() at arrival, stamped by the app's first middleware. */
export function receivedAt(res: Response): number {
  return (res.locals.receivedAt as number | undefined) ?? performance.now();
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** What chat and text completions both set up before preparing a request. */
export interface GenerationContext {
  service: InferenceService;
  /** Response id: `<prefix>-<uuid>`. */
  id: string;
  /** Unix seconds, stamped on every chunk. */
  created: number;
  /** The served model name (responses carry it, not the requested one). */
  model: string;
  /** The client signal and arrival time InferenceService.run takes. */
  run: { signal: AbortSignal; receivedAt: number };
}

/** The shared preamble of a generation handler: the service (or 503), ids, the client signal. */
export function startGeneration(deps: HandlerDeps, res: Response, idPrefix: string): GenerationContext {
  const service = requireService(deps.state);
  return {
    service,
    id: `${idPrefix}-${randomUUID()}`,
    created: nowSeconds(),
    model: service.modelName,
    run: { signal: clientSignal(res), receivedAt: receivedAt(res) },
  };
}

/** OpenAI `usage` of a finished generation. */
export function usageOf(r: { promptTokens: number; completionTokens: number }) {
  return {
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
    total_tokens: r.promptTokens + r.completionTokens,
  };
}

/** Span attributes of a finished generation (see tracing.ts). */
export function usageInfo(
  requestModel: string,
  responseModel: string,
  r: { promptTokens: number; completionTokens: number; finishReason: string | null },
) {
  return {
    requestModel,
    responseModel,
    inputTokens: r.promptTokens,
    outputTokens: r.completionTokens,
    finishReasons: r.finishReason ? [r.finishReason] : [],
  };
}

export type { Request, Response };
