import type { PoolOutput } from "@llm/contracts";
import type { CommonConfig } from "../config/common-config.js";
import { type ClusterCloud, PROJECT } from "../naming/naming.js";
import { defaultCapabilities, defaultPools, defaultPrices } from "./defaults.js";
import { assertRuntimeFits } from "./instance-catalog.js";
import { type NodePoolSpec, type PoolRole, resolvePool } from "./node-pool-spec.js";

/** Both pools of a cluster, as specs for the cloud program and as the router-facing output. */
export interface ResolvedPools {
  specs: { cpu: NodePoolSpec; gpu?: NodePoolSpec };
  outputs: { cpu: PoolOutput; gpu?: PoolOutput };
}

/**
 * Merges a stack's config with the cloud's defaults, checks that the runtime fits the chosen
 * instance types, and derives each pool's output (endpoint, price, capacity type, bounds,
 * capabilities). Throws naming the offending config key.
 */
export function resolveClusterPools(cloud: ClusterCloud, cfg: CommonConfig): ResolvedPools {
  const defaults = defaultPools(cloud);
  const domain = cfg.domain ?? `${cloud}.llm.example.com`;
  const build = (role: PoolRole): { spec: NodePoolSpec; output: PoolOutput } => {
    const key = `${PROJECT}:${role}Pool`;
    const spec = resolvePool(defaults[role], role === "cpu" ? cfg.cpuPool : cfg.gpuPool, key);
    assertRuntimeFits(spec.instanceTypes, role, `${key}.instanceTypes`);
    const price = cfg.prices[role] ?? defaultPrices[cloud][role];
    const caps = cfg.capabilities[role] ?? {};
    const base = defaultCapabilities[role];
    const output: PoolOutput = {
      endpoint: cfg.endpoints[role] ?? `https://${role}.${domain}`,
      instanceType: spec.instanceTypes[0]!,
      pricePerHour: { onDemand: price.onDemand, spot: price.spot },
      capacityType: spec.spot ? "spot" : "on-demand",
      minNodes: spec.minNodes,
      maxNodes: spec.maxNodes,
      capabilities: {
        models: caps.models ?? base.models,
        contextLength: caps.contextLength ?? base.contextLength,
        features: caps.features ?? base.features,
        accelerator: base.accelerator,
      },
    };
    return { spec, output };
  };
  const cpu = build("cpu");
  if (cfg.gpuPool.enabled === false) return { specs: { cpu: cpu.spec }, outputs: { cpu: cpu.output } };
  const gpu = build("gpu");
  return { specs: { cpu: cpu.spec, gpu: gpu.spec }, outputs: { cpu: cpu.output, gpu: gpu.output } };
}
