import type { ServerResponse } from "node:http";
import { HttpError } from "@llm/contracts";
import { errorBodyFor, errorFormatFor } from "../http/error-format.js";
import { sendJson } from "../http/send.js";
import { rawJsonOf } from "../providers/raw-json.js";
import type { UpstreamError } from "../providers/types.js";
import { SseWriter } from "./sse-writer.js";

/**
 * The head (and, for JSON, the body) of the response an attempt writes: a non-streamed answer,
 * the upstream's error as it came, or the start of an event stream. Each carries the attempt's
 * routing headers (`x-router-target`, `x-router-reason`, `x-router-overhead-ms`, …).
 */

/**
 * Writes a non-streamed answer with plain node calls (express's send machinery costs more than
 * the JSON). An OpenAI-wire upstream's answer goes out as the bytes it came in: nothing is
 * translated, so nothing is serialized again.
 */
export function writeJsonAnswer(res: ServerResponse, result: object, headers: Record<string, string>): void {
  const text = rawJsonOf(result) ?? JSON.stringify(result);
  res.writeHead(200, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": typeof text === "string" ? Buffer.byteLength(text) : text.length,
  });
  res.end(text);
}

/**
 * Relays an upstream's error (its status and OpenAI-shaped body) to the client, in the shape of
 * the API its path belongs to (Anthropic's on /v1/messages*, errorFormatFor).
 */
export function writeUpstreamError(
  res: ServerResponse,
  err: UpstreamError,
  headers: Record<string, string>,
): void {
  const format = errorFormatFor(res.req?.url);
  if (format === "openai") sendJson(res, err.status, err.body, headers);
  else {
    const requestId = res.getHeader("x-request-id") as string | undefined;
    const e = new HttpError(err.status, err.message);
    sendJson(res, err.status, errorBodyFor(format, e, requestId), headers);
  }
}

/** Starts the client's event stream (status 200, SSE headers) and returns its writer. */
export function openEventStream(res: ServerResponse, headers: Record<string, string>): SseWriter {
  const writer = new SseWriter(res);
  writer.start(headers);
  return writer;
}
