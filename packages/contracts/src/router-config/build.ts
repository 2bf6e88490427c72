import type { PoolName, PoolOutput, StackOutputs } from "../stack-outputs/schema.js";
import type { RouterClusterConfigData, RouterConfigData, RoutingStrategyName } from "./schema.js";

/** Capabilities every cluster runtime offers (OpenAI endpoints it implements). */
export const CLUSTER_BASE_CAPABILITIES = ["chat", "completions", "embeddings", "streaming", "json_schema"];

export interface BuildRouterConfigOptions {
  /** Listen address of the router. Defaults to `0.0.0.0`. */
  host?: string;
  /** Listen port of the router. Defaults to 8080. */
  port?: number;
  /** Routing strategy. Defaults to `hybrid`. */
  routingStrategy?: RoutingStrategyName;
  /** USD per 1K tokens above which hybrid routing prefers an external provider. Defaults to 0.002. */
  clusterCostThreshold?: number;
  /** Whether requests may fail over to external providers. Defaults to true. */
  enableExternalFallback?: boolean;
  /** How often the router polls cluster health. Defaults to `10s`. */
  healthCheckInterval?: string;
  /** Copied verbatim into `externalProviders` (use `${ENV}` references for API keys). Defaults to []. */
  externalProviders?: Record<string, unknown>[];
  /**
   * How cluster HMAC secrets are written: `inline` copies the secret from the outputs;
   * `env` writes `${LLM_HMAC_<TARGET>}` references so the file holds no secret. Defaults to `inline`.
   */
  secrets?: "inline" | "env";
  /** Extra top-level sections (tenants, state, admin) copied verbatim. */
  extra?: Record<string, unknown>;
}

/** Name of the environment variable holding a target's HMAC secret when `secrets: "env"`. */
export function hmacSecretEnvName(target: string): string {
  return `LLM_HMAC_${target.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/**
 * Name of the router target of one pool: `<cloud>-<clusterName>-<pool>`. The one rule for it:
 * the router config, KEDA's `/scaling/<target>` trigger and the cloud stacks all call this.
 */
export function clusterTargetName(cloud: StackOutputs["cloud"], clusterName: string, pool: PoolName): string {
  return `${cloud}-${clusterName}-${pool}`;
}

function clusterTarget(
  out: StackOutputs,
  pool: PoolName,
  spec: PoolOutput,
  secrets: "inline" | "env",
): RouterClusterConfigData {
  const name = clusterTargetName(out.cloud, out.clusterName, pool);
  const price = spec.capacityType === "spot" ? spec.pricePerHour.spot : spec.pricePerHour.onDemand;
  const capabilities = [...new Set([...CLUSTER_BASE_CAPABILITIES, ...spec.capabilities.features])];
  const target: RouterClusterConfigData = {
    name,
    endpoint: spec.endpoint,
    region: out.region,
    provider: out.cloud,
    pool,
    costPerHour: price,
    authType: out.authMode,
    capabilities,
    models: [...spec.capabilities.models],
    contextLength: spec.capabilities.contextLength,
    // A pool that may have no nodes is cold until its runtime answers; GPU pools always scale to zero here.
    scaleToZero: pool === "gpu" || spec.minNodes === 0,
  };
  if (out.authMode === "hmac" && out.hmacSecret)
    target.sharedSecret = secrets === "env" ? `\${${hmacSecretEnvName(name)}}` : out.hmacSecret;
  if (out.exporterEndpoint) target.exporterEndpoint = out.exporterEndpoint;
  return target;
}

/**
 * Turns the outputs of the cloud stacks into the router's config (plain data, YAML-ready).
 * Pure: no I/O. One cluster target per pool, named `<cloud>-<clusterName>-<pool>`, in input order
 * (cpu before gpu). Throws when two outputs would produce the same target name.
 */
export function buildRouterConfig(
  outputs: StackOutputs[],
  opts: BuildRouterConfigOptions = {},
): RouterConfigData {
  const secrets = opts.secrets ?? "inline";
  const clusters: RouterClusterConfigData[] = [];
  const seen = new Set<string>();
  for (const out of outputs) {
    const pools: [PoolName, PoolOutput | undefined][] = [
      ["cpu", out.pools.cpu],
      ["gpu", out.pools.gpu],
    ];
    for (const [pool, spec] of pools) {
      if (!spec) continue;
      const target = clusterTarget(out, pool, spec, secrets);
      if (seen.has(target.name)) throw new Error(`duplicate cluster target name: ${target.name}`);
      seen.add(target.name);
      clusters.push(target);
    }
  }
  return {
    ...opts.extra,
    server: { host: opts.host ?? "0.0.0.0", port: opts.port ?? 8080 },
    router: {
      routingStrategy: opts.routingStrategy ?? "hybrid",
      clusterCostThreshold: opts.clusterCostThreshold ?? 0.002,
      enableExternalFallback: opts.enableExternalFallback ?? true,
      healthCheckInterval: opts.healthCheckInterval ?? "10s",
    },
    clusters,
    // Verbatim: the router validates them (and resolves their ${ENV} references) when it loads the file.
    externalProviders: (opts.externalProviders ?? []) as RouterConfigData["externalProviders"],
  };
}
