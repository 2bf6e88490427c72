import type {
  ExperimentConfig,
  FallbackConditionName,
  ModelGroupConfig,
  RouterConfig,
  TargetPolicy,
} from "@llm/contracts";

/** One arm of a split: a share of a group's traffic sent to one target. */
export interface Arm {
  name: string;
  weight: number;
  target: string;
  model?: string;
}

/** A model group as requests use it: its deployments, its chains flattened at load time. */
export interface CompiledGroup {
  name: string;
  config: ModelGroupConfig;
  /** The group's own split (a `weighted` group): one arm per deployment. */
  arms: Arm[];
  /**
   * Fallback groups by condition, in the order they are tried: the group's list, each entry
   * followed by that group's own chain for the condition (depth first, no group twice), cut at
   * the chain's maxDepth. Loops were refused when the config loaded (contracts policies.ts).
   */
  chains: Partial<Record<FallbackConditionName, string[]>>;
  policy?: TargetPolicy;
}

export interface CompiledExperiment {
  config: ExperimentConfig;
  name: string;
  arms: Arm[];
  start: number;
  end: number;
}

/** What a config generation's policies compile to; built once per config object. */
export interface CompiledPolicies {
  groups: ReadonlyMap<string, CompiledGroup>;
  /** Experiments by the group they split. */
  experiments: ReadonlyMap<string, CompiledExperiment[]>;
  byName: ReadonlyMap<string, CompiledExperiment>;
}

const cache = new WeakMap<RouterConfig, CompiledPolicies>();

/** The policies of `config`, compiled once per config object (each reload brings a new one). */
export function policiesOf(config: RouterConfig): CompiledPolicies {
  let hit = cache.get(config);
  if (!hit) {
    hit = compilePolicies(config);
    cache.set(config, hit);
  }
  return hit;
}

function armName(d: { target: string; model?: string }, all: readonly { target: string }[]): string {
  // Two deployments on one target (two quantizations) need the model to tell them apart.
  return all.filter((x) => x.target === d.target).length > 1 && d.model ? `${d.target}:${d.model}` : d.target;
}

export function compilePolicies(config: RouterConfig): CompiledPolicies {
  const configs = new Map((config.modelGroups ?? []).map((g) => [g.name, g]));
  const groups = new Map<string, CompiledGroup>();
  for (const g of configs.values()) {
    const chains: CompiledGroup["chains"] = {};
    for (const [cond, chain] of Object.entries(g.fallbacks) as [
      FallbackConditionName,
      { to: string[]; maxDepth: number },
    ][]) {
      const out: string[] = [];
      const walk = (names: readonly string[]) => {
        for (const n of names) {
          if (n === g.name || out.includes(n)) continue;
          out.push(n);
          walk(configs.get(n)?.fallbacks[cond]?.to ?? []);
        }
      };
      walk(chain.to);
      chains[cond] = out.slice(0, chain.maxDepth);
    }
    groups.set(g.name, {
      name: g.name,
      config: g,
      arms: g.deployments.map((d) => ({
        name: armName(d, g.deployments),
        weight: d.weight,
        target: d.target,
        model: d.model,
      })),
      chains,
      policy: g.policy,
    });
  }
  const experiments = new Map<string, CompiledExperiment[]>();
  const byName = new Map<string, CompiledExperiment>();
  for (const e of config.experiments ?? []) {
    const compiled: CompiledExperiment = {
      config: e,
      name: e.name,
      arms: e.arms.map((a) => ({ name: a.name, weight: a.weight, target: a.target, model: a.model })),
      start: e.start ?? Number.NEGATIVE_INFINITY,
      end: e.end ?? Number.POSITIVE_INFINITY,
    };
    byName.set(e.name, compiled);
    experiments.set(e.group, [...(experiments.get(e.group) ?? []), compiled]);
  }
  return { groups, experiments, byName };
}

/** The experiment splitting `group` at `now` (the first declared one when several overlap). */
export function activeExperiment(
  p: CompiledPolicies,
  group: string,
  now: number,
): CompiledExperiment | undefined {
  return p.experiments.get(group)?.find((e) => now >= e.start && now < e.end);
}
