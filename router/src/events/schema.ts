import { z } from "zod";

/**
 * The router's one event schema, discriminated by `type`. Everything that reports what the router
 * did goes through it: the admin SSE stream (`GET /admin/events`), decision webhooks (traffic
 * policies) and budget alerts. Events never carry an API key, a key hash or a prompt (a tenant may
 * opt in to `prompt` on decisions; nothing sets it unless it did).
 *
 * Times are ISO 8601 strings (UTC). Every event has `type`, `time` and, where it belongs to one
 * tenant, `tenant` (the role filter of the SSE stream keys on it: events without `tenant` are
 * router-wide and reach only admin and viewer subscribers).
 */

const time = z.iso.datetime({ offset: true });

/** One per finished request (success or failure), published by accounting after settlement. */
export const decisionEvent = z.object({
  type: z.literal("decision"),
  time,
  requestId: z.string(),
  tenant: z.string(),
  /** Id of the API key used (never the key). */
  keyId: z.string(),
  /** The model as requested. */
  model: z.string(),
  /** The model sent upstream ("" when nothing was tried). */
  upstreamModel: z.string(),
  /** Target that answered (or was tried last); "none" when the request never reached one. */
  target: z.string(),
  /** `x-router-reason` of the answering attempt (`cheapest`, `failover`, `overflow`, …); "" when none. */
  reason: z.string(),
  /** HTTP status returned to the client (499: the client went away). */
  status: z.number().int(),
  endpoint: z.string().optional(),
  stream: z.boolean(),
  tokens: z.object({ prompt: z.number(), completion: z.number(), total: z.number() }),
  costUsd: z.number(),
  /** Saving against the all-external reference price (the usage record's `savedUsd`). */
  savedUsd: z.number().optional(),
  latencyMs: z.number(),
  timeToFirstTokenMs: z.number().optional(),
  /**
   * `result`: what the router's response cache did (`x-router-cache`; absent when it was not
   * consulted); `readTokens`/`writeTokens`: the provider's prompt cache. `hit` when either served
   * anything (a response-cache hit, or prompt tokens read from the provider's cache).
   */
  cache: z.object({
    hit: z.boolean(),
    result: z.enum(["hit", "semantic-hit", "miss", "bypass"]).optional(),
    readTokens: z.number(),
    writeTokens: z.number(),
  }),
  /** Experiment and arm that routed the request (traffic policies). */
  experiment: z.object({ id: z.string(), arm: z.string() }).optional(),
  /** Prompt text, only for tenants that opted in. */
  prompt: z.string().optional(),
});

/** An attempt failed before the first byte and the request moved to the next candidate. */
export const failoverEvent = z.object({
  type: z.literal("failover"),
  time,
  requestId: z.string(),
  tenant: z.string(),
  /** Target that failed. */
  from: z.string(),
  status: z.number().int(),
  /** Failure-table rule that matched (forward/failover.ts). */
  rule: z.string(),
});

/** A request went to a declared fallback group (traffic-policies issue). */
export const fallbackEvent = z.object({
  type: z.literal("fallback"),
  time,
  requestId: z.string(),
  tenant: z.string(),
  /** Condition that triggered it: context_window, rate_limited, server_error, content_policy, timeout. */
  condition: z.string(),
  fromGroup: z.string(),
  toGroup: z.string(),
});

/** A soft budget threshold crossed (tenants/alerts.ts); the same fields as the alert webhook body. */
export const budgetAlertEvent = z.object({
  type: z.literal("budget.alert"),
  time,
  tenant: z.string(),
  /** `tenant:<id>` or `key:<id>`. */
  scope: z.string(),
  period: z.enum(["daily", "monthly"]),
  threshold: z.number(),
  limitUsd: z.number(),
  spentUsd: z.number(),
});

/** A target's circuit breaker opened (requests skip it until the open duration passes). */
export const circuitOpenEvent = z.object({
  type: z.literal("circuit_open"),
  time,
  target: z.string(),
});

const targetHealth = z.enum(["healthy", "degraded", "unhealthy", "cold", "unknown"]);
const circuitState = z.enum(["closed", "open", "half-open"]);

/** A target's health, circuit or cold state changed (observed by the target watcher). */
export const targetStateEvent = z.object({
  type: z.literal("target_state"),
  time,
  target: z.string(),
  health: targetHealth,
  circuit: circuitState,
  cold: z.boolean(),
  /** The previous values (absent the first time a target is seen). */
  previous: z.object({ health: targetHealth, circuit: circuitState, cold: z.boolean() }).optional(),
});

/** An experiment reached its end time (traffic-policies issue). */
export const experimentEndEvent = z.object({
  type: z.literal("experiment_end"),
  time,
  experiment: z.string(),
  arms: z.array(z.string()).optional(),
});

export const routerEvent = z.discriminatedUnion("type", [
  decisionEvent,
  failoverEvent,
  fallbackEvent,
  budgetAlertEvent,
  circuitOpenEvent,
  targetStateEvent,
  experimentEndEvent,
]);

export type RouterEvent = z.infer<typeof routerEvent>;
export type RouterEventType = RouterEvent["type"];
export type DecisionEvent = z.infer<typeof decisionEvent>;
export type FailoverEvent = z.infer<typeof failoverEvent>;
export type FallbackEvent = z.infer<typeof fallbackEvent>;
export type BudgetAlertEvent = z.infer<typeof budgetAlertEvent>;
export type CircuitOpenEvent = z.infer<typeof circuitOpenEvent>;
export type TargetStateEvent = z.infer<typeof targetStateEvent>;
export type ExperimentEndEvent = z.infer<typeof experimentEndEvent>;

export const ROUTER_EVENT_TYPES = routerEvent.options.map((o) => o.shape.type.value) as RouterEventType[];
