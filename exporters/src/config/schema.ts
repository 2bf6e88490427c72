import { z } from "zod";

/** Prices of one node in USD per hour; used to override the built-in table for a pool. */
export const priceOverride = z
  .object({
    /** On-demand USD/hour of one node (GPU included). */
    onDemand: z.number().nonnegative(),
    /** Spot USD/hour of one node (GPU included). */
    spot: z.number().nonnegative(),
  })
  .strict();
export type PriceOverride = z.infer<typeof priceOverride>;

/** Label map rendered as a Kubernetes label selector (`k=v,k2=v2`). */
const labelMap = z.record(z.string().min(1), z.string());

/** Where the runtime pods of a pool are and how to scrape them. */
export const runtimeTargets = z
  .object({
    /** Namespace of the runtime pods. Defaults to `llm`. */
    namespace: z.string().min(1).default("llm"),
    /** Pod labels that select the pool's runtime pods. Omit (and give `urls`) to skip pod discovery. */
    podSelector: labelMap.optional(),
    /** Port of the runtime's `/metrics` on the pod IP (the llm-runtime chart's port). Defaults to 8000. */
    port: z.number().int().min(1).max(65535).default(8000),
    /** Path of the runtime's metrics. Defaults to `/metrics`. */
    path: z.string().startsWith("/").default("/metrics"),
    /** Static metrics URLs (local use, no Kubernetes); each counts as one ready replica when it answers. */
    urls: z.array(z.url()).default([]),
  })
  .strict();
export type RuntimeTargets = z.infer<typeof runtimeTargets>;

/** One node pool of the cluster as the exporter reports it. */
export const poolConfig = z
  .object({
    /** Value of the `pool` label on every exported series, e.g. `gpu`. */
    name: z.string().regex(/^[a-zA-Z0-9_.-]+$/, "letters, digits, '_', '.', '-' only"),
    /**
     * Node labels that select the pool's nodes. Defaults to `{<nodePoolLabel>: <name>}`; on managed pools
     * use the cloud's label, e.g. `{"eks.amazonaws.com/nodegroup": "llm-gpu"}`.
     */
    nodeSelector: labelMap.optional(),
    /** Node price override in USD/hour; without it the built-in table prices each node by its labels. */
    price: priceOverride.optional(),
    /** Runtime pods of the pool. Omit for a pool without a runtime (its throughput is 0). */
    runtime: runtimeTargets.optional(),
    /**
     * Nodes assumed when `kubernetes.enabled` is false (local use), priced like real ones, so a laptop
     * stack can still publish a cost per 1K tokens. Ignored when the API is read.
     */
    staticNodes: z
      .object({
        /** How many nodes. */
        count: z.number().int().nonnegative(),
        /** Instance type looked up in the price table when `price` is not given. */
        instanceType: z.string().min(1).default("unknown"),
        /** Which price applies. Defaults to `on-demand`. */
        capacityType: z.enum(["spot", "on-demand"]).default("on-demand"),
      })
      .strict()
      .optional(),
  })
  .strict();
export type PoolConfig = z.infer<typeof poolConfig>;

/** How the exporter reaches the Kubernetes API. */
export const kubernetesConfig = z
  .object({
    /** Read nodes and pods from the API. Set false for local use with static runtime URLs. Defaults to true. */
    enabled: z.boolean().default(true),
    /** API server base URL. Defaults to the in-cluster `https://kubernetes.default.svc`. */
    apiServer: z.url().default("https://kubernetes.default.svc"),
    /** Bearer token; when absent it is read from `tokenFile` on every refresh (bound tokens rotate). */
    token: z.string().min(1).optional(),
    /** Service-account token file. */
    tokenFile: z.string().min(1).default("/var/run/secrets/kubernetes.io/serviceaccount/token"),
    /** CA bundle that signs the API server's certificate; ignored for http:// servers. */
    caFile: z.string().min(1).default("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"),
    /** Per-request timeout in milliseconds. Defaults to 5000. */
    timeoutMs: z.number().int().positive().default(5000),
  })
  .strict();
export type KubernetesConfig = z.infer<typeof kubernetesConfig>;

/** The exporter's whole configuration (YAML file plus env overrides). */
export const exporterConfig = z
  .object({
    /** Cluster name, reported in `/v1/pools`. Defaults to `local`. */
    cluster: z.string().min(1).default("local"),
    /** Address the HTTP server binds. Defaults to `0.0.0.0`. */
    host: z.string().min(1).default("0.0.0.0"),
    /** Port of `/metrics`, `/health` and `/v1/pools`. Defaults to 9400. */
    port: z.number().int().min(0).max(65535).default(9400),
    /** Seconds between refreshes (node list, pod list, runtime scrapes). Defaults to 15. */
    refreshIntervalSeconds: z.number().positive().default(15),
    /** Timeout of one runtime scrape in milliseconds. Defaults to 3000. */
    scrapeTimeoutMs: z.number().int().positive().default(3000),
    /**
     * Superseded by the runtimes' capacity gauge (`llm_runtime_capacity_tokens_per_second`): still
     * accepted, and used only for runtimes that do not export it.
     * Tokens/second below which a pool counts as idle, and the least throughput tokens are ever priced at,
     * so cost per 1K tokens stays finite (floor 1: at most `cost_per_hour / 3.6`). Defaults to 1.
     */
    idleThroughputFloor: z.number().positive().default(1),
    /**
     * Superseded like `idleThroughputFloor` (capacity pricing is stable when idle); still accepted.
     * What prices tokens while a pool is idle (measured throughput below the floor): `last-busy` uses the
     * last throughput measured above the floor (an idle pool's price per token has not changed, and a
     * high idle price would keep the router away from capacity that is already paid for); `floor` uses
     * the floor itself. Either way a pool never measured busy uses the floor. Defaults to `last-busy`.
     */
    idleThroughput: z.enum(["last-busy", "floor"]).default("last-busy"),
    /** Which tokens count as throughput: `completion` (generated) or `total` (prompt + completion). */
    tokenBasis: z.enum(["completion", "total"]).default("completion"),
    /** Node label naming the pool when a pool has no `nodeSelector` (the Pulumi pools set it). Defaults to `llm.platform/pool`. */
    nodePoolLabel: z.string().min(1).default("llm.platform/pool"),
    /** pino log level. Defaults to `info`. */
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    kubernetes: kubernetesConfig.prefault({}),
    /** The pools to report; at least one. */
    pools: z.array(poolConfig).min(1),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.pools.forEach((pool, i) => {
      if (seen.has(pool.name))
        ctx.addIssue({ code: "custom", path: ["pools", i, "name"], message: `duplicate pool ${pool.name}` });
      seen.add(pool.name);
      if (pool.runtime?.podSelector && !cfg.kubernetes.enabled)
        ctx.addIssue({
          code: "custom",
          path: ["pools", i, "runtime", "podSelector"],
          message: "podSelector needs kubernetes.enabled; use runtime.urls instead",
        });
    });
  });
export type ExporterConfig = z.infer<typeof exporterConfig>;
export type ExporterConfigInput = z.input<typeof exporterConfig>;
