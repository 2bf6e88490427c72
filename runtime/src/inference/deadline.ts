import { ClientGoneError, timeoutError } from "./errors.js";

/** One request's abort plumbing: the client's signal and the deadline merged into one signal. */
export interface RequestDeadline {
  /** Aborts when the client goes (ClientGoneError) or the deadline passes (504 timeout). */
  readonly signal: AbortSignal;
  /** What a failure should surface as: the abort reason once aborted (the cause), else `err`. */
  reason(err: unknown): unknown;
  /** Clears the timer and the client listener; call exactly once when the request ends. */
  dispose(): void;
}

/**
 * One controller per request, fed by the client's signal and the deadline; `dispose` removes the
 * timer and the listener when the request ends, so nothing lingers for the full timeout.
 */
export function requestDeadline(client: AbortSignal, timeoutMs: number): RequestDeadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeoutError(timeoutMs)), timeoutMs);
  const onClientAbort = () => controller.abort(client.reason ?? new ClientGoneError());
  if (client.aborted) onClientAbort();
  else client.addEventListener("abort", onClientAbort, { once: true });
  const signal = controller.signal;
  return {
    signal,
    reason: (err) => (signal.aborted ? signal.reason : err),
    dispose: () => {
      clearTimeout(timer);
      client.removeEventListener("abort", onClientAbort);
    },
  };
}
