import type { Engine } from "../engine/engine.js";
import type { InferenceService } from "../inference/service.js";

export type Phase = "loading" | "ready" | "draining" | "failed";

/**
 * The process's lifecycle as the HTTP layer sees it. The server listens before the model is loaded
 * so Kubernetes probes get answers (/health 200, /ready 503) during a long load.
 */
export class RuntimeState {
  phase: Phase = "loading";
  engine?: Engine;
  service?: InferenceService;
  /** Why loading failed, for /health. */
  failure?: string;
  private inFlightCount = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    /** Name served before the engine reports its own. */
    readonly modelName: string,
  ) {}

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Marks an inference request as started; call the returned function exactly once when it ends. */
  track(): () => void {
    this.inFlightCount++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlightCount--;
      if (this.inFlightCount === 0) for (const w of this.idleWaiters.splice(0)) w();
    };
  }

  /** Resolves true once no inference request is in flight, false if `ms` passes first. */
  waitIdle(ms: number): Promise<boolean> {
    if (this.inFlightCount === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== onIdle);
        resolve(false);
      }, ms);
      const onIdle = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(onIdle);
    });
  }
}
