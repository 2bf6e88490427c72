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

/**
 * The abort plumbing of one attempt at one target: follows the client's signal and a
 * re-armable deadline timer. `dispose()` must run when the attempt ends.
 */
export class AttemptSignal {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private readonly onClient = () => this.controller.abort(new ClientClosedError());

  constructor(private readonly client: AbortSignal) {
    if (client.aborted) this.controller.abort(new ClientClosedError());
    else client.addEventListener("abort", this.onClient, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** (Re)starts the deadline: the attempt aborts unless `arm` is called again within `ms`. */
  arm(ms: number, phase: AttemptTimeoutError["phase"]): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(new AttemptTimeoutError(phase)), ms);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.client.removeEventListener("abort", this.onClient);
  }
}
