import { errorBody, HttpError } from "@llm/contracts";
import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";

/** The one error mapper: every error leaves as OpenAI's `{error:{message,type,param,code}}`. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof HttpError) {
      res.set(err.headers).status(err.status).json(err.toBody());
      return;
    }
    // body-parser errors carry a status and a type.
    const e = err as { status?: number; type?: string; message?: string };
    if (e.type === "entity.parse.failed") {
      res.status(400).json(errorBody(400, "Request body is not valid JSON", { code: "invalid_json" }));
      return;
    }
    if (e.type === "entity.too.large") {
      res.status(413).json(errorBody(413, "Request body is too large", { code: "request_too_large" }));
      return;
    }
    if (typeof e.status === "number" && e.status >= 400 && e.status < 500) {
      res.status(e.status).json(errorBody(e.status, e.message ?? "Bad request"));
      return;
    }
    logger.error({ err: (err as Error)?.message }, "unhandled router error");
    res.status(500).json(errorBody(500, "Internal router error", { code: "internal_error" }));
  };
}
