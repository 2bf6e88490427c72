import type { Logger } from "pino";
import { ReplicaPool } from "../balancer/replica-pool.js";
import type { RouterConfig } from "../config/schema.js";
import type { PriceTable } from "../pricing/types.js";
import type { AdapterRegistry } from "../providers/registry.js";
import { Target } from "./target.js";

/**
 * A cluster target; with several `endpoints`, a pool whose adapter spreads requests over one
 * adapter per replica (built by the same registry factory, so tests' fake registries apply).
 */
function clusterTarget(
  cluster: RouterConfig["clusters"][number],
  registry: AdapterRegistry,
  config: RouterConfig,
  prices: PriceTable,
  now?: () => number,
): Target {
  if (cluster.endpoints.length < 2)
    return new Target({ kind: "cluster", cluster }, registry.cluster(cluster), config.router, prices, now);
  const pool = new ReplicaPool(cluster, config.router, (c) => registry.cluster(c), now);
  const target = new Target({ kind: "cluster", cluster }, pool.adapter, config.router, prices, now);
  target.replicas = pool;
  return target;
}

/**
 * The targets of one config generation. On reload, a target whose config is unchanged keeps
 * its adapter (connection pool), health and latency history; others are rebuilt, and removed
 * ones are retired — closed once their in-flight requests finish, so reload drops nothing.
 */
export class TargetSet {
  readonly list: Target[];
  readonly byName: Map<string, Target>;
  private readonly fingerprints: Map<string, string>;

  private constructor(list: Target[], fingerprints: Map<string, string>) {
    this.list = list;
    this.byName = new Map(list.map((t) => [t.name, t]));
    this.fingerprints = fingerprints;
  }

  static build(
    config: RouterConfig,
    registry: AdapterRegistry,
    prices: PriceTable,
    logger: Logger,
    previous?: TargetSet,
    now?: () => number,
  ): TargetSet {
    const list: Target[] = [];
    const fingerprints = new Map<string, string>();
    const reuse = (name: string, fp: string): Target | undefined => {
      const old = previous?.byName.get(name);
      if (old && previous?.fingerprints.get(name) === fp) {
        old.applySettings(config.router);
        return old;
      }
      return undefined;
    };
    for (const cluster of config.clusters) {
      const fp = JSON.stringify(cluster);
      fingerprints.set(cluster.name, fp);
      list.push(reuse(cluster.name, fp) ?? clusterTarget(cluster, registry, config, prices, now));
    }
    for (const provider of config.externalProviders) {
      const factory = registry[provider.type];
      if (!factory) {
        logger.warn(
          { target: provider.name, type: provider.type },
          "no adapter for this provider type; skipped",
        );
        continue;
      }
      const fp = JSON.stringify(provider);
      fingerprints.set(provider.name, fp);
      list.push(
        reuse(provider.name, fp) ??
          new Target({ kind: "external", provider }, factory(provider), config.router, prices, now),
      );
    }
    const next = new TargetSet(list, fingerprints);
    if (previous) for (const old of previous.list) if (next.byName.get(old.name) !== old) old.retire();
    return next;
  }

  /** Retires every target (closes adapters when idle). */
  close(): void {
    for (const t of this.list) t.retire();
  }
}
