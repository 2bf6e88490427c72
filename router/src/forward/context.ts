import type { Logger } from "pino";
import type { ResponseCache } from "../cache/response-cache.js";
import type { RouterConfig } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import type { RouterMetrics } from "../metrics/metrics.js";
import type { KeyValueStore } from "../state/key-value.js";
import type { TargetSet } from "../targets/set.js";
import type { Target } from "../targets/target.js";
import type { AccessGuard } from "../tenants/types.js";
import type { UsageSink } from "../usage/types.js";
import type { FailureRule } from "./failover.js";

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
  /** The response cache (cache/response-cache.ts); none: every request is a `bypass`. */
  cache?: ResponseCache;
  /** Where decision and failover events go (events/bus.ts); none: nothing is published. */
  events?: EventBus;
  /**
   * Where provider adapters keep per-turn state the OpenAI format has no field for (Gemini thought
   * signatures, Anthropic thinking blocks); each attempt sees it namespaced to its tenant
   * (CallContext.state). None: adapters keep nothing across turns.
   */
  providerState?: KeyValueStore;
  /**
   * The failure classification table for attempts at `target`. Defaults to FAILURE_TABLE; per-target
   * rows (traffic-policies issue: `retryOn`) come in here, never as changes to the candidate loop.
   */
  failureRules?: (target: Target) => readonly FailureRule[];
  /** The budget for `retry_same` verdicts at `target`; without one, `retry_same` fails over. */
  sameTargetRetries?: (target: Target) => SameTargetRetries | undefined;
}

/** Retries of one target on `retry_same` verdicts, with exponential backoff and jitter (p-retry). */
export interface SameTargetRetries {
  /** Extra attempts at the same target. */
  retries: number;
  /** The first backoff, ms; it doubles per retry, times a random factor in [1, 2). Defaults to 200. */
  minTimeoutMs?: number;
  /** The longest backoff, ms. Defaults to 2000. */
  maxTimeoutMs?: number;
}
