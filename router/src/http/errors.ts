import type { ServerResponse } from "node:http";
import { errorBody, HttpError } from "@llm/contracts";
import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { sendJson } from "./send.js";

/** The one error mapper: every error leaves as OpenAI's `{error:{message,type,param,code}}`. */
export function sendError(res: ServerResponse, err: unknown, logger: Logger): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (err instanceof HttpError) {
    sendJson(res, err.status, err.toBody(), err.headers);
    return;
  }
  // body-parser errors (from routers that use it) carry a status and a type.
  const e = err as { status?: number; type?: string; message?: string };
  if (e.type === "entity.parse.failed") {
    sendJson(res, 400, errorBody(400, "Request body is not valid JSON", { code: "invalid_json" }));
    return;
  }
  if (e.type === "entity.too.large") {
    sendJson(res, 413, errorBody(413, "Request body is too large", { code: "request_too_large" }));
    return;
  }
  if (typeof e.status === "number" && e.status >= 400 && e.status < 500) {
    sendJson(res, e.status, errorBody(e.status, e.message ?? "Bad request"));
    return;
  }
  logger.error({ err: (err as Error)?.message }, "unhandled router error");
  sendJson(res, 500, errorBody(500, "Internal router error", { code: "internal_error" }));
}

/** Express's error middleware, delegating to sendError. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => sendError(res, err, logger);
}
