import { imageRef } from "@llm/contracts";
import { noPlaceholder, readConfig } from "@llm/infra-common";
import { z } from "zod";

/** Stack config of the global program, all under `llm-platform:`. */
export const globalConfig = z.object({
  /** Environment label used in names. Defaults to `dev`. */
  environment: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default("dev"),
  /** Cloud stacks to route to, as StackReference names (`org/llm-platform/aws-dev` or `aws-dev`). Required. */
  stacks: z.array(z.string().min(1)).min(1),
  /** Stacks whose clusters run a router replica set (kubeconfig from their outputs). Defaults to the first of `stacks`. */
  routerStacks: z.array(z.string().min(1)).min(1).optional(),
  /** Namespace of the router release. Defaults to `llm-router`. */
  routerNamespace: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default("llm-router"),
  /**
   * Public host name of the router (DNS record / load balancer, Ingress host); the cloud stacks'
   * `llm-platform:routerUrl` is `https://<routerHostname>`. Required; `example.*` is refused.
   */
  routerHostname: noPlaceholder(
    z.string().regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$/, "a DNS host name"),
  ),
  /** Router replicas per router cluster (the chart's replicaCount and HPA minimum). Defaults to 2. */
  routerReplicas: z.number().int().min(1).max(20).default(2),
  /**
   * Redis URL the router replicas share state through (rate limits, budgets, pending demand);
   * set it as a secret. Defaults to an in-chart Redis per router cluster when routerReplicas > 1;
   * required when routerStacks has more than one stack (their replicas must share one store).
   */
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, "a redis:// or rediss:// URL")
    .optional(),
  /** Router image `{registry, repository, digest}`. Defaults to the `images.router` the first router stack pushed. */
  routerImage: imageRef.optional(),
  /** `apiKey` (config must carry tenants in routerExtra) or `none`. Defaults to `apiKey`. */
  routerAuthMode: z.enum(["apiKey", "none"]).default("apiKey"),
  /** Router options for buildRouterConfig: routingStrategy, clusterCostThreshold, enableExternalFallback, healthCheckInterval, port, externalProviders. Defaults to {}. */
  router: z
    .object({
      routingStrategy: z.enum(["hybrid", "cost", "latency", "cluster_first", "external_first"]).optional(),
      clusterCostThreshold: z.number().nonnegative().optional(),
      enableExternalFallback: z.boolean().optional(),
      healthCheckInterval: z
        .string()
        .regex(/^\d+(ms|s|m)$/)
        .optional(),
      port: z.number().int().min(1).max(65535).optional(),
      externalProviders: z.array(z.record(z.string(), z.unknown())).optional(),
    })
    .strict()
    .default({}),
  /** Extra top-level router config sections (tenants, state, admin); set it as a secret. Defaults to {}. */
  routerExtra: z.record(z.string(), z.unknown()).default({}),
  /** Origin address (IP or host name) per router stack; unset: read from the cluster's ingress-nginx Service. Defaults to {}. */
  routerOrigins: z.record(z.string(), z.string().min(1)).default({}),
  /** Cloudflare DNS and load balancing; omitted: no DNS resources. */
  cloudflare: z
    .object({
      /** Zone id of the router host name's zone. */
      zoneId: z.string().min(1),
      /** Account id (load balancer pools and monitors are account-level). Required when loadBalancer is true. */
      accountId: z.string().min(1).optional(),
      /** Health-checked load balancer across router origins instead of a single DNS record. Defaults to false. */
      loadBalancer: z.boolean().default(false),
      /** Proxy traffic through Cloudflare. Defaults to true. */
      proxied: z.boolean().default(true),
      /** Steering between pools: `off` (failover in order), `dynamic_latency`, `geo`, `random`. Defaults to `off`. */
      steeringPolicy: z.enum(["off", "dynamic_latency", "geo", "random", "proximity"]).default("off"),
      /** Email for pool health notifications. Defaults to none. */
      notificationEmail: z.email().optional(),
    })
    .strict()
    .refine((c) => !c.loadBalancer || c.accountId, {
      message: "accountId is required when loadBalancer is true",
      path: ["accountId"],
    })
    .optional(),
});
export type GlobalConfig = z.infer<typeof globalConfig>;

/** Reads and validates the global stack config; errors name the key. */
export function loadGlobalConfig(): GlobalConfig {
  return readConfig(globalConfig);
}
