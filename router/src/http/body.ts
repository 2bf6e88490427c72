import { HttpError } from "@llm/contracts";
import type { RequestHandler } from "express";

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** "4mb" / "512kb" / "1048576" -> bytes. */
export function parseByteSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!m) throw new Error(`invalid size "${text}" (use e.g. 4mb)`);
  return Math.floor(Number(m[1]) * (UNITS[(m[2] ?? "b").toLowerCase()] ?? 1));
}

/**
 * A lean JSON body reader for the hot path (body-parser costs more per request than the rest
 * of routing). Reads the body of any request that has one, whatever its content type (clients
 * often omit it), up to `limitBytes`; sets `req.body` to the parsed value.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  return (req, _res, next) => {
    const len = req.headers["content-length"];
    if (req.method === "GET" || req.method === "HEAD" || (len === "0" && !req.headers["transfer-encoding"])) {
      next();
      return;
    }
    if (len !== undefined && Number(len) > limitBytes) {
      req.resume();
      next(new HttpError(413, "Request body is too large", { code: "request_too_large" }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limitBytes) {
        failed = true;
        next(new HttpError(413, "Request body is too large", { code: "request_too_large" }));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (failed) return;
      if (size === 0) {
        next();
        return;
      }
      try {
        const text =
          chunks.length === 1
            ? (chunks[0] as Buffer).toString("utf8")
            : Buffer.concat(chunks).toString("utf8");
        req.body = JSON.parse(text);
      } catch {
        next(new HttpError(400, "Request body is not valid JSON", { code: "invalid_json" }));
        return;
      }
      next();
    });
    req.on("error", (err) => {
      if (!failed) {
        failed = true;
        next(err);
      }
    });
  };
}
