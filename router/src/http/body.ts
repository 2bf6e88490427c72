import type { IncomingMessage } from "node:http";
import { HttpError } from "@llm/contracts";
import bytes from "bytes";
import type { RequestHandler } from "express";

/**
 * "4mb" / "512kb" / "1048576" -> bytes (1024-based, as `bytes` reads them). The config schema
 * admits only b/kb/mb/gb with optional spaces; `bytes` reads a unit it does not know ("4b",
 * "4 b") and a leading space as a plain number, which is the same value here once trimmed.
 */
export function parseByteSize(text: string): number {
  const n = bytes.parse(text.trim());
  if (n === null || !Number.isFinite(n) || n < 0) throw new Error(`invalid size "${text}" (use e.g. 4mb)`);
  return n;
}

/**
 * Reads and parses a JSON request body of at most `limitBytes`, whatever its content type
 * (clients often omit it). Resolves undefined for a request without a body; rejects with an
 * HttpError 400 (not JSON) or 413 (too large).
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const len = req.headers["content-length"];
  if (req.method === "GET" || req.method === "HEAD" || (len === "0" && !req.headers["transfer-encoding"]))
    return Promise.resolve(undefined);
  if (len !== undefined && Number(len) > limitBytes) {
    req.resume();
    return Promise.reject(new HttpError(413, "Request body is too large", { code: "request_too_large" }));
  }
  return new Promise((resolve, reject) => {
    const body = new BodyCollector(limitBytes, resolve, reject);
    // Inline anonymous listeners: a named closure would cost a __name() call per request under tsx.
    req.on("data", (c: Buffer) => body.data(c));
    req.on("end", () => body.end());
    req.on("error", (err) => body.fail(err));
  });
}

/** The state of one body being read; settles its promise once. */
class BodyCollector {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private failed = false;

  constructor(
    private readonly limitBytes: number,
    private readonly resolve: (body: unknown) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  data(c: Buffer): void {
    if (this.failed) return;
    this.size += c.length;
    if (this.size > this.limitBytes)
      this.fail(new HttpError(413, "Request body is too large", { code: "request_too_large" }));
    else this.chunks.push(c);
  }

  end(): void {
    if (this.failed) return;
    if (this.size === 0) {
      this.resolve(undefined);
      return;
    }
    const chunks = this.chunks;
    try {
      const text =
        chunks.length === 1 ? (chunks[0] as Buffer).toString("utf8") : Buffer.concat(chunks).toString("utf8");
      this.resolve(JSON.parse(text));
    } catch {
      this.fail(new HttpError(400, "Request body is not valid JSON", { code: "invalid_json" }));
    }
  }

  fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.reject(err);
  }
}

/** Express middleware form of readJsonBody: sets `req.body`. */
export function jsonBody(limitBytes: number): RequestHandler {
  return (req, _res, next) => {
    readJsonBody(req, limitBytes).then((body) => {
      if (body !== undefined) req.body = body;
      next();
    }, next);
  };
}
