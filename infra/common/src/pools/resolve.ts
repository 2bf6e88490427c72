import type { PoolOutput } from "@llm/contracts";
import type { CommonConfig } from "../config/common-config.js";
import { type CatalogModel, loadModelCatalog, type PoolModel, poolModel } from "../models/catalog.js";
import { type ClusterCloud, PROJECT } from "../naming/naming.js";
import {
  defaultCapabilities,
  defaultModels,
  defaultPools,
  defaultPrices,
  gpuPoolTaints,
  modelFeatures,
} from "./defaults.js";
import { assertRuntimeFits } from "./instance-catalog.js";
import { type NodePoolSpec, type PoolRole, resolvePool } from "./node-pool-spec.js";

/** Both pools of a cluster: specs for the cloud program, router-facing outputs, served models. */
export interface ResolvedPools {
  specs: { cpu: NodePoolSpec; gpu?: NodePoolSpec };
  outputs: { cpu: PoolOutput; gpu?: PoolOutput };
  /** The catalog entry each pool's runtime serves (name, URI, digest, context). */
  models: { cpu: PoolModel; gpu?: PoolModel };
}

/** The host name of a pool (or the exporter): `<name>.<domain>`. */
export function hostFor(name: string, domain: string): string {
  return `${name}.${domain}`;
}

/**
 * Merges a stack's config with the cloud's defaults, checks that the runtime fits the chosen
 * instance types, resolves each pool's model from `models/catalog.yaml`, and derives each pool's
 * output (endpoint, price, capacity type, bounds, capabilities). The router's model names and
 * context come from the same catalog entry as the runtime's, so the two cannot disagree.
 * Throws naming the offending config key.
 */
export function resolveClusterPools(
  cloud: ClusterCloud,
  cfg: Pick<CommonConfig, "domain" | "endpoints" | "cpuPool" | "gpuPool" | "prices" | "capabilities">,
  catalog: CatalogModel[] = loadModelCatalog(),
): ResolvedPools {
  const defaults = defaultPools(cloud);
  const build = (role: PoolRole) => {
    const key = `${PROJECT}:${role}Pool`;
    const spec = resolvePool(defaults[role], role === "cpu" ? cfg.cpuPool : cfg.gpuPool, key);
    if (role === "gpu") spec.taints = gpuPoolTaints(cloud, spec.spot);
    assertRuntimeFits(spec.instanceTypes, role, `${key}.instanceTypes`);
    const price = cfg.prices[role] ?? defaultPrices[cloud][role];
    const caps = cfg.capabilities[role] ?? {};
    const modelsKey = `${PROJECT}:capabilities.${role}.models`;
    if (caps.models && caps.models.length !== 1)
      throw new Error(`${modelsKey}: a pool's runtime serves exactly one model, got ${caps.models.length}`);
    const model = poolModel(catalog, caps.models?.[0] ?? defaultModels[role], modelsKey, caps.contextLength);
    const base = defaultCapabilities[role];
    const output: PoolOutput = {
      endpoint: cfg.endpoints[role] ?? `https://${hostFor(role, cfg.domain)}`,
      instanceType: spec.instanceTypes[0]!,
      pricePerHour: { onDemand: price.onDemand, spot: price.spot },
      capacityType: spec.spot ? "spot" : "on-demand",
      minNodes: spec.minNodes,
      maxNodes: spec.maxNodes,
      capabilities: {
        models: [model.name],
        contextLength: model.contextLength,
        // Explicit config wins; else the catalog model's features (defaults.ts modelFeatures).
        features: caps.features ?? modelFeatures(catalog, model.name, base.features),
        accelerator: base.accelerator,
      },
    };
    return { spec, output, model };
  };
  const cpu = build("cpu");
  if (cfg.gpuPool.enabled === false)
    return { specs: { cpu: cpu.spec }, outputs: { cpu: cpu.output }, models: { cpu: cpu.model } };
  const gpu = build("gpu");
  return {
    specs: { cpu: cpu.spec, gpu: gpu.spec },
    outputs: { cpu: cpu.output, gpu: gpu.output },
    models: { cpu: cpu.model, gpu: gpu.model },
  };
}
