import { HttpError } from "@llm/contracts";

/** Abort reason when the client closed the connection: nothing is sent back, the slot is freed. */
export class ClientGoneError extends Error {
  override name = "ClientGoneError";
  constructor() {
    super("client disconnected");
  }
}

/** Abort reason when the per-request deadline passed. */
export function timeoutError(timeoutMs: number): HttpError {
  return new HttpError(504, `Request timed out after ${timeoutMs} ms`, { code: "timeout" });
}

/** Abort reason for requests cut by shutdown. */
export function shuttingDownError(): HttpError {
  return new HttpError(503, "The runtime is shutting down", { code: "shutting_down" });
}
