import type { RouterConfig } from "../config/schema.js";
import type { ManagedTargets } from "./provider-store.js";

/** Appends managed targets to a config; a managed name equal to a config one is ignored (config wins). */
export function mergeManaged(config: RouterConfig, managed: ManagedTargets): RouterConfig {
  const taken = new Set([
    ...config.clusters.map((c) => c.name),
    ...config.externalProviders.map((p) => p.name),
  ]);
  return {
    ...config,
    clusters: [...config.clusters, ...managed.clusters.filter((c) => !taken.has(c.name))],
    externalProviders: [
      ...config.externalProviders,
      ...managed.externalProviders.filter((p) => !taken.has(p.name)),
    ],
  };
}
