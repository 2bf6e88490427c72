import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** What a client's x-request-id may be to be echoed: an id, not arbitrary text (it lands in logs and upstream headers). */
const VALID_REQUEST_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/;

/**
 * The request's id: the client's `x-request-id` when it is a valid one, else a new UUID, which
 * is written back into the request's headers so everything downstream (forwarding, upstream
 * propagation, the usage record, log lines) reads the same id.
 */
export function requestIdOf(req: IncomingMessage): string {
  const sent = req.headers["x-request-id"];
  if (typeof sent === "string" && VALID_REQUEST_ID.test(sent)) return sent;
  const id = randomUUID();
  req.headers["x-request-id"] = id;
  return id;
}

/**
 * The headers every response carries from the start: `x-request-id`, and `x-router-target: none` /
 * `x-router-reason: not_routed`, overwritten once a target is chosen so every response says
 * whether and where it was routed.
 */
export function stampResponse(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("x-request-id", requestIdOf(req));
  res.setHeader("x-router-target", "none");
  res.setHeader("x-router-reason", "not_routed");
}
