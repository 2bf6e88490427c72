import { HttpError } from "@llm/contracts";
import express, { type RequestHandler } from "express";
import { rawBodyOf } from "./auth.js";

/** Buffers the body as raw bytes (any content type) up to `limit`; larger bodies -> 413. */
export function rawBody(limit: number): RequestHandler {
  return express.raw({ type: () => true, limit });
}

/** Parses the buffered bytes as JSON into `req.body`; malformed or empty bodies -> 400. */
export function jsonBody(): RequestHandler {
  return (req, _res, next) => {
    if (req.method !== "POST") return next();
    const raw = rawBodyOf(req.body);
    if (raw.length === 0) {
      return next(new HttpError(400, "Request body is required (JSON)", { code: "invalid_json" }));
    }
    try {
      req.body = JSON.parse(raw.toString("utf8"));
    } catch (err) {
      return next(
        new HttpError(
          400,
          `Request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
          {
            code: "invalid_json",
          },
        ),
      );
    }
    next();
  };
}
