/**
 * Traffic policies in the router's config: model groups (a public model name over weighted or
 * ordered deployments), experiments (named weighted splits with a start and an end), declared
 * fallback chains, per-target retry/timeout policy and decision webhooks. router/README.md
 * § Traffic policies documents them with one complete example.
 */
import { z } from "zod";
import { durationSchema as duration } from "./duration.js";

/** Conditions a fallback chain may be declared on (router/README.md § Traffic policies). */
export const fallbackConditionName = z.enum([
  "context_window",
  "rate_limited",
  "server_error",
  "content_policy",
  "timeout",
]);
export type FallbackConditionName = z.infer<typeof fallbackConditionName>;

/**
 * Failure classes a target's `retryOn` may name: rows of the router's failure table
 * (router/src/forward/failover.ts) that then retry the same target before failing over.
 */
export const retryClassName = z.enum([
  "server_error",
  "timeout",
  "rate_limited",
  "unreachable",
  "first_event",
]);
export type RetryClassName = z.infer<typeof retryClassName>;

/** LiteLLM's trackers show weights silently ignored (litellm #33329): a weight must be a positive number. */
const weight = z
  .number({ error: "must be a positive number" })
  .positive("must be a positive number")
  .finite();

/**
 * Per-target (and per-group) timeouts and same-target retries. Unset fields fall back to the
 * target's, then to the global defaults (server.requestTimeout, server.firstByteTimeout, no retries).
 */
export const targetPolicyFields = {
  /** Whole non-streamed request to this target. Defaults to server.requestTimeout. */
  timeout: duration.optional(),
  /** Time to this target's response headers / first stream event, and between events. Defaults to server.firstByteTimeout. */
  firstByteTimeout: duration.optional(),
  /**
   * Extra attempts at the same target (exponential backoff with jitter) on the `retryOn` classes,
   * before failing over; `router.maxRetries` still counts extra targets. Defaults to 0.
   */
  retries: z.number().int().min(0).max(10).optional(),
  /** Failure classes retried on the same target. Defaults to server_error, timeout and unreachable. */
  retryOn: z.array(retryClassName).min(1).optional(),
  /** First backoff between same-target retries (doubles per retry, times a jitter in [1, 2)). Defaults to 200ms. */
  retryBackoff: duration.optional(),
};

export const targetPolicySection = z.object(targetPolicyFields).strict();
export type TargetPolicy = z.output<typeof targetPolicySection>;

/** One fallback chain: groups tried in order, and how many hops the chain may take. */
const fallbackChain = z
  .union([
    z.array(z.string().min(1)).min(1),
    z
      .object({
        /** Groups tried in order (each may have its own chain for the same condition). */
        to: z.array(z.string().min(1)).min(1),
        /** Hops allowed along the chain. Defaults to 3. */
        maxDepth: z.number().int().positive().max(10).optional(),
      })
      .strict(),
  ])
  .transform((v) => (Array.isArray(v) ? { to: v, maxDepth: 3 } : { to: v.to, maxDepth: v.maxDepth ?? 3 }));

export const deploymentSection = z
  .object({
    /** A cluster or external provider name. */
    target: z.string().min(1),
    /** Model sent upstream. Defaults to what the target resolves the group's name to, else its default model (what `auto` means there). */
    model: z.string().min(1).optional(),
    /** Share of a weighted group's traffic (relative to the others). Defaults to 1. */
    weight: weight.default(1),
  })
  .strict();

export const modelGroupSection = z
  .object({
    /** The public model name clients send (`chat-small`); it wins over the targets' own aliases. */
    name: z.string().min(1),
    deployments: z.array(deploymentSection).min(1),
    /**
     * `cost`: the routing strategy ranks every deployment (aliases generalised); `weighted`: one
     * deployment per request by weight, sticky per user; `ordered`: as listed, healthy ones first.
     * Defaults to weighted when deployments' weights differ, else cost.
     */
    mode: z.enum(["cost", "weighted", "ordered"]).optional(),
    /** Timeouts and retries for this group's deployments, over each target's own. */
    policy: targetPolicySection.optional(),
    /** Fallback chains by condition: `{context_window: [chat-long]}` or `{timeout: {to: [...], maxDepth: 1}}`. */
    fallbacks: z.partialRecord(fallbackConditionName, fallbackChain).default({}),
  })
  .strict()
  .transform((g) => ({
    ...g,
    mode: g.mode ?? (new Set(g.deployments.map((d) => d.weight)).size > 1 ? "weighted" : "cost"),
  }));

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((v) => Date.parse(v));

export const experimentSection = z
  .object({
    /** Name in headers (`x-router-experiment: <name>/<arm>`), metric labels and the admin API. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-'"),
    /** The model group whose traffic is split while the experiment runs. */
    group: z.string().min(1),
    arms: z
      .array(
        z
          .object({
            name: z
              .string()
              .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-'"),
            /** Share of the group's traffic. */
            weight,
            /** The arm's target (a cluster or external provider name). */
            target: z.string().min(1),
            /** Model sent upstream. Defaults as a deployment's does. */
            model: z.string().min(1).optional(),
          })
          .strict(),
      )
      .min(2),
    /** ISO time it starts. Defaults to always started. */
    start: instant.optional(),
    /** ISO time it ends (an `experiment_end` event); afterwards the group routes as declared. Defaults to never. */
    end: instant.optional(),
    /**
     * Request header holding the sticky key (a conversation or session id). Without it, or when
     * absent from a request, the body's `user`, then `metadata.user_id`.
     */
    stickyHeader: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/)
      .transform((h) => h.toLowerCase())
      .optional(),
  })
  .strict();

/** Event names of the router's event bus that webhooks may subscribe to. */
export const webhookEventName = z.enum([
  "decision",
  "failover",
  "fallback",
  "budget.alert",
  "circuit_open",
  "experiment_end",
]);

export const webhookSection = z
  .object({
    /** Name in metric labels. Defaults to the URL's host. */
    name: z.string().min(1).optional(),
    url: z.url(),
    /**
     * HMAC secret (write it as `${ENV}`, like the other secrets here): every batch is signed as
     * cluster requests are (`x-llm-timestamp`, `x-llm-nonce`, `x-llm-signature`). Required.
     */
    secret: z.string().min(16, "must be at least 16 characters"),
    /** Events delivered. Defaults to every event. */
    events: z.array(webhookEventName).min(1).optional(),
    /** Events per POST. Defaults to 50. */
    batchSize: z.number().int().positive().max(1000).default(50),
    /** Longest wait before a partial batch is sent. Defaults to 1s. */
    batchInterval: duration.default(1000),
    /** Events held while the receiver is slow or down; beyond it new events are dropped (counted). Defaults to 1000. */
    queueSize: z.number().int().positive().max(100_000).default(1000),
    /** Retries of one batch (backoff with jitter) before it is dropped (counted). Defaults to 3. */
    retries: z.number().int().min(0).max(10).default(3),
    /** Timeout of one POST. Defaults to 5s. */
    timeout: duration.default(5000),
  })
  .strict();

/** The top-level keys this file adds to the router config (hooked into schema.ts). */
export const policySections = {
  /** Public model names over deployments. Defaults to none (targets' aliases only). */
  modelGroups: z.array(modelGroupSection).default([]),
  /** Weighted splits of a group's traffic with per-arm metrics. Defaults to none. */
  experiments: z.array(experimentSection).default([]),
  /** Signed, batched event delivery. Defaults to none. */
  webhooks: z.array(webhookSection).default([]),
};

export type ModelGroupConfig = z.output<typeof modelGroupSection>;
export type ExperimentConfig = z.output<typeof experimentSection>;
export type WebhookConfig = z.output<typeof webhookSection>;

interface PolicyView {
  clusters: readonly { name: string }[];
  externalProviders: readonly { name: string }[];
  modelGroups: readonly ModelGroupConfig[];
  experiments: readonly ExperimentConfig[];
}

/**
 * Cross-field checks the sections cannot do alone: unknown targets and groups, duplicate names,
 * fallback loops (the path is named), experiments ending before they start.
 */
export function checkPolicies(cfg: PolicyView, ctx: z.RefinementCtx): void {
  const targets = new Set([...cfg.clusters.map((c) => c.name), ...cfg.externalProviders.map((p) => p.name)]);
  const groups = new Map(cfg.modelGroups.map((g) => [g.name, g]));
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: "custom", path, message });
  const seenGroups = new Set<string>();
  for (const [i, g] of cfg.modelGroups.entries()) {
    if (seenGroups.has(g.name)) issue(["modelGroups", i, "name"], `duplicate model group "${g.name}"`);
    seenGroups.add(g.name);
    for (const [j, d] of g.deployments.entries())
      if (!targets.has(d.target))
        issue(["modelGroups", i, "deployments", j, "target"], `unknown target "${d.target}"`);
    for (const [cond, chain] of Object.entries(g.fallbacks))
      for (const [j, to] of (chain?.to ?? []).entries())
        if (!groups.has(to))
          issue(["modelGroups", i, "fallbacks", cond, "to", j], `unknown model group "${to}"`);
  }
  // A chain that revisits a group would bounce a request forever (the loop bug other gateways hit).
  for (const [i, g] of cfg.modelGroups.entries())
    for (const cond of fallbackConditionName.options) {
      const loop = findLoop(g.name, cond, groups, [g.name]);
      if (loop) issue(["modelGroups", i, "fallbacks", cond], `fallback chain loops: ${loop.join(" -> ")}`);
    }
  const seenExperiments = new Set<string>();
  for (const [i, e] of cfg.experiments.entries()) {
    if (seenExperiments.has(e.name)) issue(["experiments", i, "name"], `duplicate experiment "${e.name}"`);
    seenExperiments.add(e.name);
    if (!groups.has(e.group)) issue(["experiments", i, "group"], `unknown model group "${e.group}"`);
    const arms = new Set<string>();
    for (const [j, a] of e.arms.entries()) {
      if (!targets.has(a.target))
        issue(["experiments", i, "arms", j, "target"], `unknown target "${a.target}"`);
      if (arms.has(a.name)) issue(["experiments", i, "arms", j, "name"], `duplicate arm "${a.name}"`);
      arms.add(a.name);
    }
    if (e.start !== undefined && e.end !== undefined && !(e.end > e.start))
      issue(["experiments", i, "end"], "must be after start");
  }
}

function findLoop(
  name: string,
  cond: FallbackConditionName,
  groups: ReadonlyMap<string, ModelGroupConfig>,
  path: string[],
): string[] | undefined {
  for (const next of groups.get(name)?.fallbacks[cond]?.to ?? []) {
    if (path.includes(next)) return [...path, next];
    const loop = findLoop(next, cond, groups, [...path, next]);
    if (loop) return loop;
  }
  return undefined;
}
