import type { RouterConfig } from "../config/schema.js";
import { policiesOf } from "./compile.js";

/** What GET /health lists of the traffic policies: each group and experiment, and whether it runs now. */
export function policiesHealth(config: RouterConfig, now: number) {
  const p = policiesOf(config);
  return {
    modelGroups: [...p.groups.values()].map((g) => ({
      name: g.name,
      mode: g.config.mode,
      deployments: g.config.deployments.map((d) => ({
        target: d.target,
        model: d.model ?? null,
        weight: d.weight,
      })),
      fallbacks: g.chains,
    })),
    experiments: [...p.byName.values()].map((e) => ({
      name: e.name,
      group: e.config.group,
      active: now >= e.start && now < e.end,
      start: Number.isFinite(e.start) ? new Date(e.start).toISOString() : null,
      end: Number.isFinite(e.end) ? new Date(e.end).toISOString() : null,
      arms: e.arms.map((a) => ({ name: a.name, target: a.target, weight: a.weight })),
    })),
  };
}
