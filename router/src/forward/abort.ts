import type { AbortHook, CallContext } from "../providers/types.js";
import type { KeyValueStore } from "../state/key-value.js";

/** Abort reason when the client closed its connection before the response finished. */
export class ClientClosedError extends Error {
  /** The status recorded for the request: nginx's 499 (types.ts CLIENT_CLOSED). */
  readonly status = 499;
  constructor() {
    super("client closed the connection");
    this.name = "ClientClosedError";
  }
}

/** Abort reason when an upstream missed its deadline (first byte, idle gap or whole request). */
export class AttemptTimeoutError extends Error {
  constructor(readonly phase: "first_byte" | "idle" | "total") {
    super(`upstream timed out (${phase})`);
    this.name = "AttemptTimeoutError";
  }
}

/** The client side of a request: its response, which emits `close` when the client goes away. */
export interface ClientSide {
  readonly writableFinished: boolean;
  readonly destroyed: boolean;
  on(event: "close", fn: () => void): unknown;
  off(event: "close", fn: () => void): unknown;
}

/**
 * The abort plumbing of one attempt at one target: aborts when the client's connection closes
 * before the response finished, or when the re-armable deadline fires. The AbortController
 * behind `signal` is made only when an adapter asks for it: the wire client subscribes to the
 * hook instead, and an AbortController costs more than the rest of this class.
 * `dispose()` must run when the attempt ends.
 */
export class AttemptSignal implements AbortHook {
  private controller?: AbortController;
  private abortReason: unknown;
  private isAborted = false;
  private subscriber?: () => void;
  private timer?: NodeJS.Timeout;
  private readonly onClose: () => void;

  constructor(private readonly client: ClientSide) {
    // Assigned here rather than as a field: tsx's keepNames would wrap a field initializer in a
    // per-instance __name() call. `on` + `off` (not `once`) saves once's wrapper per attempt.
    this.onClose = () => {
      if (!this.client.writableFinished) this.abort(new ClientClosedError());
    };
    if (client.destroyed && !client.writableFinished) this.abort(new ClientClosedError());
    else client.on("close", this.onClose);
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.isAborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.isAborted;
  }

  get reason(): unknown {
    return this.abortReason;
  }

  subscribe(fn: () => void): void {
    this.subscriber = fn;
  }

  unsubscribe(fn: () => void): void {
    if (this.subscriber === fn) this.subscriber = undefined;
  }

  private abort(reason: Error): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
    this.subscriber?.();
  }

  /** (Re)starts the deadline: the attempt aborts unless `arm` is called again within `ms`. */
  arm(ms: number, phase: AttemptTimeoutError["phase"]): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.abort(new AttemptTimeoutError(phase)), ms);
  }

  /** Stops the deadline (e.g. while waiting for a slow client to drain, which is not the upstream's fault). */
  disarm(): void {
    clearTimeout(this.timer);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.client.off("close", this.onClose);
  }
}

/** The CallContext of one attempt: `signal` and `state` materialize only if an adapter reads them. */
export class AttemptContext implements CallContext {
  constructor(
    readonly abort: AttemptSignal,
    readonly upstreamModel: string,
    readonly headers: Record<string, string>,
    /** The adapters' state store and the tenant it is namespaced to (CallContext.state). */
    private readonly scope?: { store: KeyValueStore; tenantId: string },
  ) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get state(): KeyValueStore | undefined {
    return this.scope?.store.namespace(this.scope.tenantId);
  }
}
