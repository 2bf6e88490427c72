import type { ServerResponse } from "node:http";
import { HttpError } from "@llm/contracts";
import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { errorBodyFor, errorFormatFor } from "./error-format.js";
import { sendJson } from "./send.js";

/** Any thrown value as an HttpError; undefined when it is not one a client should see as such. */
function asHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  // body-parser errors (from routers that use it) carry a status and a type.
  const e = err as { status?: number; type?: string; message?: string } | undefined;
  if (e?.type === "entity.parse.failed")
    return new HttpError(400, "Request body is not valid JSON", { code: "invalid_json" });
  if (e?.type === "entity.too.large")
    return new HttpError(413, "Request body is too large", { code: "request_too_large" });
  if (typeof e?.status === "number" && e.status >= 400 && e.status < 500)
    return new HttpError(e.status, e.message ?? "Bad request");
  return undefined;
}

/**
 * The one error mapper: every error leaves in the shape of the API its path belongs to
 * (errorFormatFor: OpenAI's `{error:{message,type,param,code}}`, Anthropic's on /v1/messages*),
 * with the error's headers (Retry-After, x-ratelimit-*).
 */
export function sendError(res: ServerResponse, err: unknown, logger: Logger): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const requestId = res.getHeader("x-request-id") as string | undefined;
  let e = asHttpError(err);
  if (!e) {
    logger.error({ err: (err as Error)?.message, requestId }, "unhandled router error");
    e = new HttpError(500, "Internal router error", { code: "internal_error" });
  }
  sendJson(res, e.status, errorBodyFor(errorFormatFor(res.req?.url), e, requestId), e.headers);
}

/** Express's error middleware, delegating to sendError. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => sendError(res, err, logger);
}
