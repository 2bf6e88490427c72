import { HttpError } from "@llm/contracts";
import type { ErrorRequestHandler, Response } from "express";
import type { Logger } from "pino";
import { ClientGoneError } from "../inference/errors.js";
import { endSse, sendEvent } from "./sse.js";

/** Maps anything thrown to an HttpError; unknown errors become a 500 that leaks no internals. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
  // body-parser errors carry a status and a type.
  if (e?.type === "entity.too.large") {
    return new HttpError(413, "Request body is too large", { code: "request_too_large" });
  }
  const status = e?.status ?? e?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new HttpError(status, e.message ?? "Bad request", { code: "invalid_request" });
  }
  return new HttpError(500, "Internal server error", { code: "internal_error" });
}

/** Sends an error: as a normal OpenAI error response, or inside an SSE stream that already started. */
export function sendError(res: Response, err: HttpError): void {
  if (res.headersSent) {
    sendEvent(res, err.toBody());
    endSse(res);
    return;
  }
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  res.status(err.status).json(err.toBody());
}

/** Express error middleware: one place that turns failures into OpenAI-shaped errors. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof ClientGoneError || (res.destroyed && !res.headersSent)) return;
    const httpError = toHttpError(err);
    if (!(err instanceof HttpError) && httpError.status >= 500) {
      const detail = err instanceof Error ? { name: err.name, message: err.message } : String(err);
      logger.error({ err: detail, path: req.path }, "request failed");
    } else if (httpError.status >= 500) {
      logger.warn({ status: httpError.status, code: httpError.code, path: req.path }, httpError.message);
    }
    if (res.writableEnded) return;
    sendError(res, httpError);
  };
}
