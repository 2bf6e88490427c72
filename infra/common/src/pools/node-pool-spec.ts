import { z } from "zod";

/** A Kubernetes taint in cloud-neutral form; each cloud program converts it (see taints.ts). */
export const taintSpec = z
  .object({
    key: z.string().min(1),
    value: z.string().min(1),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
  })
  .strict();
export type TaintSpec = z.infer<typeof taintSpec>;

/** Which of the two pools every cluster has. */
export type PoolRole = "cpu" | "gpu";

/** Cloud-neutral description of one node pool; `defaultPools(cloud)` gives each cloud's values. */
export interface NodePoolSpec {
  /** `cpu` (on-demand, always on) or `gpu` (spot T4, scales to zero). */
  role: PoolRole;
  /** Whether the pool runs on spot/preemptible capacity. */
  spot: boolean;
  /** Instance/VM types; the first one is the pool's primary type (used for pricing and fit checks). */
  instanceTypes: string[];
  /** Lower bound of the autoscaler. 0 lets the pool scale to zero. */
  minNodes: number;
  /** Upper bound of the autoscaler. */
  maxNodes: number;
  /** Node count at creation. */
  desiredNodes: number;
  /** Node labels the runtime charts select on. */
  labels: Record<string, string>;
  /** Taints that keep other workloads off the pool. */
  taints: TaintSpec[];
  /** Root disk size in GiB (model files are pulled onto it). */
  diskSizeGb: number;
}

/**
 * What a stack's config may override in a pool (`llm-platform:cpuPool`, `llm-platform:gpuPool`).
 * Labels and taints are not overridable: the charts' nodeSelectors and tolerations depend on them.
 */
export const nodePoolOverride = z
  .object({
    instanceTypes: z.array(z.string().min(1)).min(1).optional(),
    spot: z.boolean().optional(),
    minNodes: z.number().int().nonnegative().optional(),
    maxNodes: z.number().int().positive().optional(),
    desiredNodes: z.number().int().nonnegative().optional(),
    diskSizeGb: z.number().int().min(20).optional(),
    /** GPU pool only: set false to build a CPU-only cluster. Defaults to true. */
    enabled: z.boolean().optional(),
  })
  .strict();
export type NodePoolOverride = z.infer<typeof nodePoolOverride>;

/**
 * Applies a config override to a default spec and checks the bounds
 * (min <= desired <= max). Throws an Error naming `key` on bad bounds.
 */
export function resolvePool(base: NodePoolSpec, override: NodePoolOverride, key: string): NodePoolSpec {
  const spec: NodePoolSpec = {
    ...base,
    instanceTypes: override.instanceTypes ?? base.instanceTypes,
    spot: override.spot ?? base.spot,
    minNodes: override.minNodes ?? base.minNodes,
    maxNodes: override.maxNodes ?? base.maxNodes,
    diskSizeGb: override.diskSizeGb ?? base.diskSizeGb,
    desiredNodes: 0,
  };
  spec.desiredNodes =
    override.desiredNodes ?? Math.max(spec.minNodes, Math.min(base.desiredNodes, spec.maxNodes));
  if (spec.minNodes > spec.maxNodes)
    throw new Error(`${key}.minNodes (${spec.minNodes}) must not exceed maxNodes (${spec.maxNodes})`);
  if (spec.desiredNodes < spec.minNodes || spec.desiredNodes > spec.maxNodes)
    throw new Error(
      `${key}.desiredNodes (${spec.desiredNodes}) must lie between minNodes (${spec.minNodes}) and maxNodes (${spec.maxNodes})`,
    );
  return spec;
}
