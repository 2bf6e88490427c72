import type { AuthMode, CloudName, PoolName } from "../stack-outputs/schema.js";

/**
 * Plain-data shape of the router's YAML config, as `buildRouterConfig` produces it.
 * The router validates it with its own zod schema (router/src/config/schema.ts); this
 * type only lists what the builder writes, so it stays free of I/O and frameworks.
 */
export interface RouterClusterConfigData {
  /** Target name, `<cloud>-<clusterName>-<pool>`. */
  name: string;
  /** Base URL of the pool's runtime. */
  endpoint: string;
  region: string;
  /** Cloud the cluster runs in (aws, gcp, azure, local). */
  provider: CloudName;
  pool: PoolName;
  /** USD per node-hour of the pool (the price of its capacity type). */
  costPerHour: number;
  authType: AuthMode;
  /** HMAC secret, or a `${ENV}` reference to it. */
  sharedSecret?: string;
  capabilities: string[];
  models: string[];
  contextLength: number;
  exporterEndpoint?: string;
  /** True for pools whose minimum is 0 nodes (the spot GPU pools). */
  scaleToZero: boolean;
}

export interface RouterConfigData {
  server: { host: string; port: number };
  router: {
    routingStrategy: string;
    clusterCostThreshold: number;
    enableExternalFallback: boolean;
    healthCheckInterval: string;
    maxLatencyMs?: number;
    maxQueueDepth?: number;
  };
  clusters: RouterClusterConfigData[];
  externalProviders: Record<string, unknown>[];
  [section: string]: unknown;
}
