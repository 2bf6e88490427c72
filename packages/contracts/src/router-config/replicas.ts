import { z } from "zod";

/**
 * Replica fields of a cluster target (`clusters[].endpoints`, `.balancer`, `.loadFactor`): a pool
 * the router sees replica by replica, and how it picks one for each request. Spread into the
 * cluster section of schema.ts; `withReplicas` fills `endpoint`/`endpoints` from each other so a
 * config written with only `endpoint` (every config before this) loads unchanged.
 */

/** How a pool target picks a replica. */
export const balancerName = z.enum(["prefix", "least-loaded", "round-robin"]);
export type BalancerName = z.infer<typeof balancerName>;

/**
 * 1.25: the value the CHWBL paper (Mirrokni, Thorup, Zadimoghaddam, "Consistent Hashing with
 * Bounded Loads", 2018) and KubeAI's PrefixHash use ("Defaults to 125% which is a widely accepted
 * value for the Consistent Hashing with Bounded Loads algorithm": kubeai.org/v1 Model
 * `loadBalancing.prefixHash.meanLoadPercentage`, docs/reference/kubernetes-api.md).
 */
export const DEFAULT_LOAD_FACTOR = 1.25;

export const replicaFields = {
  /**
   * Base URLs of the pool's replicas (each like `endpoint`). Given, the router health-polls each,
   * keeps a breaker and in-flight count per replica and picks one per request with `balancer`.
   * Defaults to `[endpoint]` (one replica: an Ingress or Service that balances by itself).
   */
  endpoints: z.array(z.url()).min(1).optional(),
  /**
   * `prefix` (default): consistent hashing with bounded loads on the conversation key, so each
   * conversation keeps the replica holding its KV cache; `least-loaded`: fewest in-flight;
   * `round-robin`: in turn. Only matters with several `endpoints`.
   */
  balancer: balancerName.default("prefix"),
  /**
   * CHWBL bound: a replica whose in-flight count would exceed `loadFactor` x the mean is skipped
   * to the next one on the ring. Greater than 1; defaults to 1.25.
   */
  loadFactor: z.number().gt(1).max(10).default(DEFAULT_LOAD_FACTOR),
};

/** The cluster fields this file cares about, on their input side. */
interface ReplicaInput {
  endpoint?: string;
  endpoints?: string[];
}

/** Refinement: a cluster names its runtime by `endpoint`, `endpoints`, or both. */
export function checkReplicas(c: ReplicaInput, ctx: z.RefinementCtx): void {
  if (c.endpoint === undefined && c.endpoints === undefined)
    ctx.addIssue({ code: "custom", path: ["endpoint"], message: "endpoint or endpoints is required" });
  if (c.endpoints && new Set(c.endpoints).size !== c.endpoints.length)
    ctx.addIssue({ code: "custom", path: ["endpoints"], message: "endpoints must be distinct" });
}

/**
 * Fills each of `endpoint` / `endpoints` from the other: `endpoints` defaults to `[endpoint]`,
 * `endpoint` (what logs, the poller of a one-replica pool and generated configs show) to the first
 * replica. Runs after checkReplicas, so one of them is set.
 */
export function withReplicas<T extends ReplicaInput>(c: T): T & { endpoint: string; endpoints: string[] } {
  const endpoints = c.endpoints ?? [c.endpoint as string];
  return { ...c, endpoint: c.endpoint ?? (endpoints[0] as string), endpoints };
}
