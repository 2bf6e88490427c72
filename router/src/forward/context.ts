import type { Logger } from "pino";
import type { RouterConfig } from "../config/schema.js";
import type { RouterMetrics } from "../metrics/metrics.js";
import type { TargetSet } from "../targets/set.js";
import type { AccessGuard } from "../tenants/types.js";
import type { UsageSink } from "../usage/types.js";

/** One config generation: what a request snapshots when it starts (reload never changes it mid-request). */
export interface Generation {
  config: RouterConfig;
  targets: TargetSet;
}

/** What request forwarding depends on; built once by createApp. */
export interface ForwardDeps {
  current: () => Generation;
  guard: AccessGuard;
  usage: UsageSink;
  metrics: RouterMetrics;
  logger: Logger;
  now: () => number;
  /** False when no tracer provider is registered: a request without `traceparent` then needs no span. */
  tracing: boolean;
}
