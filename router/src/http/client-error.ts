import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import { HttpError } from "@llm/contracts";
import type { Logger } from "pino";

/**
 * The status node itself would send for a request it could not parse (node's own
 * `clientError` default, lib/_http_server.js): 431 for oversized headers, 408 for a request
 * that timed out, 400 otherwise.
 */
function statusOf(code: string | undefined): number {
  if (code === "HPE_HEADER_OVERFLOW") return 431;
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return 408;
  return 400;
}

/**
 * A `clientError` listener for the router's server: a request node could not parse (a bad
 * header line, oversized headers, a request timeout) never reaches a handler, so node would
 * answer a bare `400 Bad Request` with no body and no `x-request-id`. This answers it like every
 * other router error instead: OpenAI's error body and a generated `x-request-id` (the client's
 * cannot be trusted, the headers did not parse), logged with that id. Wire it with
 * `server.on("clientError", clientErrorListener(logger))`.
 */
export function clientErrorListener(
  logger?: Logger,
): (err: Error & { code?: string }, socket: Duplex) => void {
  return (err, socket) => {
    // As node's default: nothing to answer on a reset socket, or once a response has started on it.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const status = statusOf(err.code);
    const requestId = randomUUID();
    const body = JSON.stringify(
      new HttpError(status, `Malformed HTTP request (${err.code ?? err.message})`, {
        code: "bad_http_request",
      }).toBody(),
    );
    logger?.warn({ requestId, code: err.code, status }, "malformed HTTP request");
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? "Request Header Fields Too Large" : status === 408 ? "Request Timeout" : "Bad Request"}\r\n` +
        "connection: close\r\n" +
        "content-type: application/json; charset=utf-8\r\n" +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        `x-request-id: ${requestId}\r\n` +
        "x-router-target: none\r\n" +
        "x-router-reason: not_routed\r\n\r\n" +
        body,
    );
  };
}
