/** Abort reason when the client closed its connection before the response finished. */
export class ClientClosedError extends Error {
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
 * before the response finished, or when the re-armable deadline fires. One AbortController per
 * attempt (the hot path allocates nothing more). `dispose()` must run when the attempt ends.
 */
export class AttemptSignal {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private readonly onClose: () => void;

  constructor(private readonly client: ClientSide) {
    // Assigned here rather than as a field: tsx's keepNames would wrap a field initializer in a
    // per-instance __name() call. `on` + `off` (not `once`) saves once's wrapper per attempt.
    this.onClose = () => {
      if (!this.client.writableFinished) this.controller.abort(new ClientClosedError());
    };
    if (client.destroyed && !client.writableFinished) this.controller.abort(new ClientClosedError());
    else client.on("close", this.onClose);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** (Re)starts the deadline: the attempt aborts unless `arm` is called again within `ms`. */
  arm(ms: number, phase: AttemptTimeoutError["phase"]): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(new AttemptTimeoutError(phase)), ms);
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
