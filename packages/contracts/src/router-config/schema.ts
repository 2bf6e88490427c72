/**
 * The router's config schema: the one declaration of every key (YAML in, validated config out).
 * The router parses its file with it, `buildRouterConfig` is typed by its input side, and every
 * new config key is added here. Errors name the field (see the router's ConfigError).
 */
import { z } from "zod";
import { CLUSTER_BASE_CAPABILITIES } from "./build.js";
import { cacheSection } from "./cache.js";
import { durationSchema as duration } from "./duration.js";
import { checkPolicies, policySections, targetPolicyFields } from "./policies.js";
import { checkReplicas, replicaFields, withReplicas } from "./replicas.js";
import { responsesConfigSection } from "./responses.js";
import { adminConfigSection, rateLimitSection, stateConfigSection, tenantsConfigSection } from "./tenants.js";

/** Target names appear in headers, metric labels and URLs, so keep them simple. */
const targetName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-'");

export const routingStrategyName = z.enum(["hybrid", "cost", "latency", "cluster_first", "external_first"]);
export type RoutingStrategyName = z.infer<typeof routingStrategyName>;

/**
 * CORS for browser apps calling the router directly. Off unless `allowedOrigins` lists origins:
 * a request from any other origin gets no CORS headers, so the browser blocks its answer.
 */
export const corsSection = z
  .object({
    /**
     * Origins allowed to call the router (`https://app.example.com`, exact match of the `Origin`
     * header), or `"*"` for any origin. Defaults to none: CORS off.
     */
    allowedOrigins: z
      .array(
        z.union([
          z.literal("*"),
          // An origin is scheme://host[:port] with no path; the browser sends exactly that.
          z
            .string()
            .regex(/^[a-z][a-z0-9+.-]*:\/\/[^/\s?#]+$/i, "must be an origin like https://app.example.com"),
        ]),
      )
      .default([]),
    /**
     * Send `Access-Control-Allow-Credentials: true` (cookies, browser-held auth). With it the
     * allowed origin is always echoed, never `*`, as the Fetch standard requires. Defaults to false.
     */
    allowCredentials: z.boolean().default(false),
    /** How long a browser may cache a preflight answer (`Access-Control-Max-Age`). Defaults to 10m. */
    maxAge: duration.default(600_000),
  })
  .strict();

export const serverSection = z
  .object({
    /** Listen address. Defaults to 0.0.0.0. */
    host: z.string().min(1).default("0.0.0.0"),
    /** Listen port. Defaults to 8080 (the PORT env var overrides it in the CLI). */
    port: z.number().int().min(0).max(65535).default(8080),
    /** Upper bound for a whole non-streamed request to one target. Defaults to writeTimeout, else 120s. */
    requestTimeout: duration.optional(),
    /** Time to wait for an upstream's response headers (and between stream chunks). Defaults to 30s. */
    firstByteTimeout: duration.default(30_000),
    /** Largest accepted request body. Defaults to 4mb. */
    bodyLimit: z
      .string()
      .regex(/^\s*\d+(\.\d+)?\s*(b|kb|mb|gb)?\s*$/i, "must be a size like 4mb or 512kb")
      .default("4mb"),
    /** pino level. Defaults to info. */
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** How long shutdown waits for in-flight requests. Defaults to 10s. */
    shutdownGrace: duration.default(10_000),
    /** Go-compatible: deadline for receiving a whole request. Defaults to 60s. */
    readTimeout: duration.default(60_000),
    /** Go-compatible: when set, used as requestTimeout unless that is set too. */
    writeTimeout: duration.optional(),
    /** Go-compatible: keep-alive idle timeout of client connections. Defaults to 65s. */
    idleTimeout: duration.default(65_000),
    /** Cross-origin access for browser apps. Defaults to off (no allowed origins, no CORS headers). */
    cors: corsSection.default(corsSection.parse({})),
  })
  .strict()
  .transform((s) => ({ ...s, requestTimeout: s.requestTimeout ?? s.writeTimeout ?? 120_000 }));

export const circuitBreakerSection = z
  .object({
    /** Consecutive failures that open the circuit. Defaults to 5. */
    failureThreshold: z.number().int().positive().default(5),
    /** How long an open circuit rejects before a half-open trial. Defaults to 30s. */
    openDuration: duration.default(30_000),
    /** Trial requests allowed at once while half-open. Defaults to 1. */
    halfOpenRequests: z.number().int().positive().default(1),
  })
  .strict();

export const routerSection = z
  .object({
    /** Default strategy; a request may override it with `x-router-strategy`. Defaults to hybrid. */
    routingStrategy: routingStrategyName.default("hybrid"),
    /** USD per 1K tokens under which hybrid routing keeps a request on a cluster. Defaults to 0.002. */
    clusterCostThreshold: z.number().nonnegative().default(0.002),
    /** Whether external providers may serve requests that no cluster takes. Defaults to true. */
    enableExternalFallback: z.boolean().default(true),
    /** How often cluster /health and /metrics are polled. Defaults to 10s. */
    healthCheckInterval: duration.default(10_000),
    /** Timeout of one health/metrics poll. Defaults to 2s. */
    healthCheckTimeout: duration.default(2_000),
    /** Targets whose measured p95 latency exceeds this are tried last. Defaults to 30000. */
    maxLatencyMs: z.number().positive().default(30_000),
    /** Clusters reporting a queue deeper than this are tried last. Defaults to 16. */
    maxQueueDepth: z.number().int().nonnegative().default(16),
    /** Extra targets tried after the first fails before the first byte. Defaults to 2. */
    maxRetries: z.number().int().min(0).max(10).default(2),
    /** Completion tokens assumed for cost estimates when a request sets no max_tokens. Defaults to 256. */
    defaultMaxTokens: z.number().int().positive().default(256),
    /**
     * Capacity throughput assumed for a cluster before its runtime has measured one (tokens/s at
     * its slot count, `llm_runtime_capacity_tokens_per_second`): the prior of the amortized
     * $/1K (router/README.md § Cost model). Defaults to 20.
     */
    assumedTokensPerSecond: z.number().positive().default(20),
    /**
     * Minutes a woken scale-to-zero pool stays paid for: its wake-up cost is node $/h × this, and
     * pending demand is raised only when the volume waiting for it pays that. Defaults to 25
     * (the chart's KEDA cooldownPeriod 900 s + the cluster autoscaler's 10 min scale-down delay).
     */
    wakeUpWarmMinutes: z.number().positive().default(25),
    /** Half-life of the pending-demand signal for cold targets. Defaults to 60s. */
    pendingDemandHalfLife: duration.default(60_000),
    /**
     * Cloud the router runs in (aws, gcp, azure, local). When set, estimated cross-cloud egress
     * for the request and response bytes is added to each target's cost. Defaults to unset (none).
     */
    cloud: z.enum(["aws", "gcp", "azure", "local"]).optional(),
    /** Multiplier on cluster $/1K tokens for costs the node price misses (Go: overheadFactor). Defaults to 1. */
    overheadFactor: z.number().positive().default(1),
    /** Accepted for compatibility with the Go project's config; not used here (see README). */
    stickinessWindow: duration.optional(),
    metricsUpdateInterval: duration.optional(),
    monthlyAPIBudget: z.number().nonnegative().optional(),
    enableSmartMocking: z.boolean().optional(),
    mockClusterLatency: z.number().optional(),
    mockClusterCost: z.number().optional(),
    circuitBreaker: circuitBreakerSection.default({
      failureThreshold: 5,
      openDuration: 30_000,
      halfOpenRequests: 1,
    }),
    /** The response cache (cache.ts). Defaults to off. */
    cache: cacheSection.default(cacheSection.parse({})),
  })
  .strict();

export const clusterSection = z
  .object({
    name: targetName,
    /** Base URL of the cluster's runtime (the router appends /v1/...); or list replicas in `endpoints`. */
    endpoint: z.url().optional(),
    ...replicaFields,
    /** Cloud region of the cluster (from its stack outputs), for `x-router-region`. Defaults to "". */
    region: z.string().default(""),
    /** Cloud or operator name, used as a metric label. Defaults to "". */
    provider: z.string().default(""),
    /** Node pool kind. Defaults to cpu. */
    pool: z.enum(["cpu", "gpu"]).default("cpu"),
    /** USD per node-hour; divided by measured throughput when no exporter is configured. Defaults to 0. */
    costPerHour: z.number().nonnegative().default(0),
    /** hmac signs every request with sharedSecret; mtls is left to the mesh/ingress. Defaults to none. */
    authType: z.enum(["hmac", "mtls", "none"]).default("none"),
    sharedSecret: z.string().optional(),
    /** What the runtime supports (chat, completions, embeddings, streaming, json_schema, tools, vision). */
    capabilities: z.array(z.string().min(1)).default(CLUSTER_BASE_CAPABILITIES),
    /**
     * Model names the runtime serves; the first one also answers `auto`. Empty or absent (the Go
     * project's shape) means it takes any model name as is.
     */
    models: z.array(z.string().min(1)).default([]),
    /** Context window in tokens. Defaults to 4096. */
    contextLength: z.number().int().positive().default(4096),
    /** Client certificate and key (PEM files) presented when authType is mtls; CA to trust, optional. */
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    caFile: z.string().min(1).optional(),
    /**
     * URL of the cluster's cost exporter: its `/v1/pools` (JSON; what generated configs set, the
     * only path the exporter's Ingress routes) or its `/metrics` (Prometheus text,
     * `llm_cluster_cost_per_1k_tokens`).
     */
    exporterEndpoint: z.url().optional(),
    /** The pool may be at zero replicas; unreachable then means cold, not broken. Defaults to false. */
    scaleToZero: z.boolean().default(false),
    /** Set false to keep the target configured but unused. Defaults to true. */
    enabled: z.boolean().default(true),
    /** Timeouts and same-target retries (policies.ts). */
    ...targetPolicyFields,
  })
  .strict()
  .superRefine((c, ctx) => {
    checkReplicas(c, ctx);
    if (c.authType === "hmac" && !c.sharedSecret)
      ctx.addIssue({ code: "custom", path: ["sharedSecret"], message: "required when authType is hmac" });
    if ((c.certFile === undefined) !== (c.keyFile === undefined))
      ctx.addIssue({
        code: "custom",
        path: [c.certFile ? "keyFile" : "certFile"],
        message: "certFile and keyFile go together",
      });
  })
  .transform(withReplicas);

const modelAlias = z.object({ name: z.string().min(1), upstream: z.string().min(1) }).strict();

/** Model aliases as a map `{alias: upstream}`, a list of `{name, upstream}`, or a list of names. */
const modelAliases = z
  .union([z.record(z.string(), z.string().min(1)), z.array(z.union([z.string().min(1), modelAlias]))])
  .transform((v) =>
    Array.isArray(v)
      ? v.map((m) => (typeof m === "string" ? { name: m, upstream: m } : m))
      : Object.entries(v).map(([name, upstream]) => ({ name, upstream })),
  );

/** Endpoints and features each provider type's adapter implements. */
const DEFAULT_PROVIDER_CAPABILITIES: Record<"openai" | "anthropic" | "gemini", string[]> = {
  openai: ["chat", "completions", "embeddings", "streaming", "json_schema", "tools", "vision"],
  anthropic: ["chat", "streaming", "json_schema", "tools", "vision"],
  gemini: ["chat", "embeddings", "streaming", "json_schema", "tools", "vision"],
};

export const externalProviderSection = z
  .object({
    /** Target name. Defaults to the type. */
    name: targetName.optional(),
    /** openai (any OpenAI-compatible API), anthropic (alias claude) or gemini. */
    type: z.preprocess((v) => (v === "claude" ? "anthropic" : v), z.enum(["openai", "anthropic", "gemini"])),
    apiKey: z.string().optional(),
    /** API base URL; defaults to the provider's public endpoint. */
    baseURL: z.url().optional(),
    /** Model sent when the requested one has no alias here. */
    defaultModel: z.string().min(1).optional(),
    models: modelAliases.default([]),
    /**
     * Serve requests for any model (mapped to defaultModel) when no alias matches, so
     * cluster model names can fall back here. Defaults to true when defaultModel is set.
     */
    fallbackForAnyModel: z.boolean().optional(),
    /** Context window in tokens. Defaults to 128000. */
    contextLength: z.number().int().positive().default(128_000),
    /** What the provider offers; defaults by type (Anthropic has no completions or embeddings, Gemini no completions). */
    capabilities: z.array(z.string().min(1)).optional(),
    /** Provider-level limits (the same fields as a tenant's); enforced by the access guard. */
    rateLimit: rateLimitSection.optional(),
    /** Price overrides, USD per 1M tokens, by upstream model. */
    pricing: z
      .record(
        z.string(),
        z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() }).strict(),
      )
      .default({}),
    /** Timeouts and same-target retries (policies.ts); `timeout` overrides server.requestTimeout. */
    ...targetPolicyFields,
    /**
     * Where the provider processes requests (an Azure OpenAI or Vertex region), for
     * `x-router-region`. Defaults to "" (unknown: never counts as in a requested region).
     */
    region: z.string().default(""),
    enabled: z.boolean().default(true),
  })
  .passthrough()
  .transform((p) => ({
    ...p,
    name: p.name ?? p.type,
    capabilities: p.capabilities ?? DEFAULT_PROVIDER_CAPABILITIES[p.type],
    fallbackForAnyModel: p.fallbackForAnyModel ?? p.defaultModel !== undefined,
  }));

export const routerConfigSchema = z
  .object({
    server: serverSection.default(serverSection.parse({})),
    router: routerSection.default(routerSection.parse({})),
    clusters: z.array(clusterSection).default([]),
    externalProviders: z.array(externalProviderSection).default([]),
    /** The Go project's demo-mode section; accepted and ignored (use tenants for keys). */
    demo: z.record(z.string(), z.unknown()).optional(),
    tenants: tenantsConfigSection,
    state: stateConfigSection,
    admin: adminConfigSection,
    /** Stored responses of `/v1/responses` (TTL, size bound). */
    responses: responsesConfigSection,
    /** modelGroups, experiments, webhooks (policies.ts). */
    ...policySections,
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, string>();
    const check = (name: string, path: (string | number)[]) => {
      const prev = seen.get(name);
      if (prev)
        ctx.addIssue({ code: "custom", path, message: `duplicate target name "${name}" (also ${prev})` });
      else seen.set(name, path.join("."));
    };
    for (const [i, c] of cfg.clusters.entries()) check(c.name, ["clusters", i, "name"]);
    for (const [i, p] of cfg.externalProviders.entries()) check(p.name, ["externalProviders", i, "name"]);
    checkPolicies(cfg, ctx);
  });

/** A validated config, as the router runs on it (durations in ms, defaults filled). */
export type RouterConfig = z.output<typeof routerConfigSchema>;
export type ClusterConfig = RouterConfig["clusters"][number];
export type ExternalProviderConfig = RouterConfig["externalProviders"][number];
export type RouterSettings = RouterConfig["router"];

/** A config as written (YAML/JSON before validation): every defaulted key optional, durations as text. */
export type RouterConfigInput = z.input<typeof routerConfigSchema>;
export type ClusterConfigInput = z.input<typeof clusterSection>;
export type ExternalProviderConfigInput = z.input<typeof externalProviderSection>;

/** What `buildRouterConfig` writes: the schema's input form with the sections it always fills in. */
export type RouterConfigData = RouterConfigInput & {
  server: NonNullable<RouterConfigInput["server"]>;
  router: NonNullable<RouterConfigInput["router"]>;
  clusters: ClusterConfigInput[];
  externalProviders: ExternalProviderConfigInput[];
};
/** One cluster target as `buildRouterConfig` writes it. */
export type RouterClusterConfigData = ClusterConfigInput;
