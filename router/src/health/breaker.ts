export type CircuitState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before a trial, ms. */
  openDurationMs: number;
  /** Trials allowed at once while half-open. */
  halfOpenRequests: number;
}

/** Numeric value of each state for the `llm_router_circuit_state` gauge. */
export const circuitStateValue: Record<CircuitState, number> = { closed: 0, "half-open": 1, open: 2 };

/**
 * Per-target circuit breaker. Closed: every request passes, consecutive failures are counted.
 * Open: nothing passes until `openDurationMs` has passed. Half-open: up to `halfOpenRequests`
 * trials pass; one success closes the circuit, one failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trials = 0;
  private stateValue: CircuitState = "closed";

  constructor(
    private opts: BreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  configure(opts: BreakerOptions): void {
    this.opts = opts;
  }

  get state(): CircuitState {
    if (this.stateValue === "open" && this.now() - this.openedAt >= this.opts.openDurationMs) {
      this.stateValue = "half-open";
      this.trials = 0;
    }
    return this.stateValue;
  }

  /** Whether a request may be sent now (without taking a trial slot). */
  canPass(): boolean {
    const s = this.state;
    return s === "closed" || (s === "half-open" && this.trials < this.opts.halfOpenRequests);
  }

  /** Takes permission for one request; false when the circuit refuses it. */
  tryAcquire(): boolean {
    const s = this.state;
    if (s === "closed") return true;
    if (s === "half-open" && this.trials < this.opts.halfOpenRequests) {
      this.trials++;
      return true;
    }
    return false;
  }

  onSuccess(): void {
    this.failures = 0;
    this.trials = 0;
    this.stateValue = "closed";
  }

  onFailure(): void {
    const s = this.state;
    this.failures++;
    if (s === "half-open" || this.failures >= this.opts.failureThreshold) {
      this.stateValue = "open";
      this.openedAt = this.now();
      this.trials = 0;
    }
  }

  /** Releases a half-open trial that ended without a verdict (client went away). */
  release(): void {
    if (this.stateValue === "half-open" && this.trials > 0) this.trials--;
  }
}
