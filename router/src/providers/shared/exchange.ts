import type { Dispatcher } from "undici";
import type { AbortHook } from "../types.js";

/** What `exchange` collected: the status, the raw header list and the whole body. */
export interface Exchanged {
  status: number;
  /** undici's raw header list: name, value, name, value … as Buffers. */
  rawHeaders: Buffer[];
  body: Buffer;
}

/** Thrown by `exchange` when the request failed; `status` is 0 when no response head arrived. */
export class ExchangeError extends Error {
  constructor(
    readonly reason: unknown,
    readonly status: number,
  ) {
    super("upstream exchange failed");
  }
}

/** A raw header list as a record of lowercase names (repeated headers keep their first value). */
export function headerRecord(raw: Buffer[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString("latin1").toLowerCase();
    out[name] ??= (raw[i + 1] as Buffer).toString();
  }
  return out;
}

/**
 * One request whose whole response is buffered, as an undici dispatch handler (the raw handler
 * interface undici's core calls directly; the newer one is adapted to it per request). undici's
 * `request()` wraps every call in an AsyncResource, a Readable body stream and a parsed header
 * object; a small JSON exchange needs none of that, and on the router's hot path they cost more
 * than the rest of the call.
 */
class BufferingHandler implements Dispatcher.DispatchHandler {
  status = 0;
  private rawHeaders: Buffer[] = [];
  private readonly chunks: Buffer[] = [];
  private abortFn?: (reason?: Error) => void;
  private readonly onAbort: () => void;

  constructor(
    private readonly hook: AbortHook,
    private readonly resolve: (r: Exchanged) => void,
    private readonly reject: (e: ExchangeError) => void,
  ) {
    // Assigned here, not as a field initializer, which tsx's keepNames wraps in __name() per instance.
    this.onAbort = () => this.abortFn?.(this.hook.reason as Error);
    hook.subscribe(this.onAbort);
  }

  onConnect(abort: (reason?: Error) => void): void {
    // An abort that came while the request waited for a connection applies at once.
    if (this.hook.aborted) abort(this.hook.reason as Error);
    else this.abortFn = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true; // 1xx informational: the real head follows
    this.status = statusCode;
    this.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    this.hook.unsubscribe(this.onAbort);
    const body = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    this.resolve({ status: this.status, rawHeaders: this.rawHeaders, body });
  }

  onError(err: Error): void {
    this.hook.unsubscribe(this.onAbort);
    this.reject(new ExchangeError(err, this.status));
  }
}

/**
 * Sends one request on `dispatcher` and resolves with the whole response; rejects with an
 * ExchangeError (its `status` says whether a response head had arrived). An abort through
 * `hook` cancels the request.
 */
export function exchange(
  dispatcher: Dispatcher,
  opts: Dispatcher.DispatchOptions,
  hook: AbortHook,
): Promise<Exchanged> {
  return new Promise((resolve, reject) => {
    if (hook.aborted) {
      reject(new ExchangeError(hook.reason, 0));
      return;
    }
    dispatcher.dispatch(opts, new BufferingHandler(hook, resolve, reject));
  });
}

/** An AbortSignal as an AbortHook (for callers that pass only a signal). */
export function signalHook(signal: AbortSignal): AbortHook {
  return {
    get aborted() {
      return signal.aborted;
    },
    get reason() {
      return signal.reason;
    },
    subscribe: (fn) => signal.addEventListener("abort", fn, { once: true }),
    unsubscribe: (fn) => signal.removeEventListener("abort", fn),
  };
}
