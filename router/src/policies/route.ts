import { type FallbackConditionName, HttpError } from "@llm/contracts";
import {
  type Plan,
  type PlanEntry,
  type PlanInput,
  planRoute,
  planRouteWithOverflow,
} from "../routing/plan.js";
import type { Candidate } from "../routing/strategies.js";
import type { Target } from "../targets/target.js";
import { type Arm, activeExperiment, type CompiledGroup, type CompiledPolicies } from "./compile.js";
import type { PolicyMetrics } from "./metrics.js";
import { pickArm, stickyKeyOf, unitPoint } from "./split.js";

/** The event bus's `fallback` event (events/schema.ts), as published here. */
export interface FallbackEvent {
  type: "fallback";
  time: string;
  requestId: string;
  tenant: string;
  condition: string;
  fromGroup: string;
  toGroup: string;
}

export interface PolicyRouteInput extends PlanInput {
  policies: CompiledPolicies;
  byName: ReadonlyMap<string, Target>;
  /** The raw request body and headers (the sticky key's sources). */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  now: number;
  metrics: PolicyMetrics;
  /** Where `fallback` events go (the router's event bus). */
  publish?: (event: FallbackEvent) => void;
  requestId: () => string;
  tenant: string;
}

/** A plan, plus the decision that made it when the model is a group. */
export interface PolicyPlan extends Plan {
  decision?: PolicyDecision;
}

/**
 * Plans a request: a model group (its name is the requested model) narrows the candidates to
 * its deployments — one arm of a split first — and the strategy ranks the rest; any other
 * model plans as before (targets' aliases).
 */
export function planWithPolicies(input: PolicyRouteInput): PolicyPlan {
  const group = input.policies.groups.get(input.profile.model);
  if (!group) return planRouteWithOverflow(input);
  const decision = new PolicyDecision(input, group);
  return { ...decision.plan(group), decision };
}

/** A failure-table rule name as a fallback condition (router/README.md § Traffic policies). */
export function conditionOfRule(rule: string | undefined): FallbackConditionName | undefined {
  switch (rule) {
    case "context_window":
    case "content_policy":
    case "rate_limited":
    case "timeout":
    case "server_error":
      return rule;
    case "saturated":
      return "rate_limited";
    case "request_timeout":
      return "timeout";
    case "unreachable":
    case "first_event":
    case "credentials_rejected":
      return "server_error";
    default:
      return undefined;
  }
}

/**
 * The model a deployment without one sends: what its target resolves the group's name to (an
 * alias), else the target's default model (what `auto` means there), else the group's name.
 */
function defaultModel(t: Target, group: string): string {
  return (t.resolveModel(group) ?? t.resolveModel("auto"))?.upstream ?? group;
}

const armKey = (target: string, model: string) => `${target}\u0000${model}`;

interface Split {
  /** The experiment's name, or the weighted group's own. */
  name: string;
  experiment?: string;
  /** Arm names by `armKey(target, upstream model)`: two arms may share a target (two quantizations). */
  arms: Map<string, string>;
}

/**
 * What the policies decided for one request, kept while it runs: the group (and split) whose
 * candidates are being tried, the fallback condition that led there, and how far each chain has
 * gone. Headers, the usage record's experiment and the target policy are read from it.
 */
export class PolicyDecision {
  group: CompiledGroup;
  split?: Split;
  condition?: FallbackConditionName;
  private readonly visited = new Set<string>();
  private readonly chains = new Map<FallbackConditionName, { origin: CompiledGroup; next: number }>();

  constructor(
    private readonly input: PolicyRouteInput,
    first: CompiledGroup,
  ) {
    this.group = first;
  }

  /** Plans `group`'s candidates; a prompt no deployment can fit goes down its context_window chain. */
  plan(group: CompiledGroup): Plan {
    this.group = group;
    this.split = undefined;
    this.visited.add(group.name);
    try {
      return this.planLeg(group);
    } catch (err) {
      if (err instanceof HttpError && err.code === "context_length_exceeded") {
        const next = this.fallBack("context_window");
        if (next) return next;
      }
      throw err;
    }
  }

  /**
   * The next group down `condition`'s chain, planned; undefined when the chain is spent (its
   * maxDepth) or declares none. Groups already visited by this request are skipped.
   */
  fallBack(condition: FallbackConditionName): Plan | undefined {
    let chain = this.chains.get(condition);
    if (!chain) {
      chain = { origin: this.group, next: 0 };
      this.chains.set(condition, chain);
    }
    const names = chain.origin.chains[condition] ?? [];
    while (chain.next < names.length) {
      const to = this.input.policies.groups.get(names[chain.next++] as string);
      if (!to || this.visited.has(to.name)) continue;
      const from = this.group.name;
      this.condition = condition;
      this.input.metrics.fallbacks.inc({ from, to: to.name, condition });
      this.input.publish?.({
        type: "fallback",
        time: new Date(this.input.now).toISOString(),
        requestId: this.input.requestId(),
        tenant: this.input.tenant,
        condition,
        fromGroup: from,
        toGroup: to.name,
      });
      try {
        return this.plan(to);
      } catch (err) {
        // A fallback group that cannot take the request either: the chain goes on.
        if (!(err instanceof HttpError)) throw err;
      }
    }
    return undefined;
  }

  /** `x-router-experiment` / `x-router-fallback` for an attempt at `cand`. */
  headersFor(cand: Candidate): Record<string, string> {
    const out: Record<string, string> = {};
    const arm = this.split?.experiment && this.split.arms.get(armKey(cand.target.name, cand.upstreamModel));
    if (arm) out["x-router-experiment"] = `${this.split?.experiment}/${arm}`;
    if (this.condition) out["x-router-fallback"] = this.condition;
    return out;
  }

  /** The usage record's experiment field for an answer from `cand`. */
  experimentFor(cand: Candidate | undefined): { id: string; arm: string } | undefined {
    const arm =
      cand && this.split?.experiment && this.split.arms.get(armKey(cand.target.name, cand.upstreamModel));
    return arm && this.split?.experiment ? { id: this.split.experiment, arm } : undefined;
  }

  private entriesOf(group: CompiledGroup): PlanEntry[] {
    const out: PlanEntry[] = [];
    for (const d of group.config.deployments) {
      const target = this.input.byName.get(d.target);
      if (target) out.push({ target, model: d.model ?? defaultModel(target, group.name) });
    }
    return out;
  }

  private planLeg(group: CompiledGroup): Plan {
    const entries = this.entriesOf(group);
    const { input } = this;
    if (input.pinned) return planRouteWithOverflow({ ...input, entries });
    const experiment = activeExperiment(input.policies, group.name, input.now);
    if (experiment) return this.planSplit(group, experiment.name, experiment.arms, experiment.name);
    if (group.config.mode === "weighted") return this.planSplit(group, group.name, group.arms);
    return planRouteWithOverflow({ ...input, entries, keepOrder: group.config.mode === "ordered" });
  }

  private armEntry(group: CompiledGroup, arm: Arm): PlanEntry | undefined {
    const target = this.input.byName.get(arm.target);
    if (!target) return undefined;
    // An arm without a model sends what the group's deployment on that target sends.
    const model =
      arm.model ??
      group.config.deployments.find((d) => d.target === arm.target)?.model ??
      defaultModel(target, group.name);
    return { target, model };
  }

  /**
   * One arm by weight — sticky per user (a hash of the split's name and the user), per request
   * without a user — first; the other arms, ranked by the strategy, behind it for failover. An arm
   * that cannot take the request hands it to another arm by weight (counted; a cold one gets the
   * request's pending demand so its pool can wake). Fails only when no arm can serve.
   */
  private planSplit(group: CompiledGroup, name: string, arms: readonly Arm[], experiment?: string): Plan {
    const { input } = this;
    const entries = new Map(arms.map((a) => [a, this.armEntry(group, a)]));
    this.split = {
      name,
      experiment,
      arms: new Map(arms.map((a) => [armKey(a.target, entries.get(a)?.model ?? ""), a.name])),
    };
    const sticky = experiment ? input.policies.byName.get(experiment)?.config.stickyHeader : undefined;
    const key = stickyKeyOf(input.body, input.headers, sticky);
    const point = (salt: string) => (key ? unitPoint(salt, key) : Math.random());
    const remaining = [...arms];
    const cold: Target[] = [];
    let arm = pickArm(remaining, point(name));
    let chosen: Candidate | undefined;
    let divertedFrom: string | undefined;
    while (arm && !chosen) {
      const entry = entries.get(arm);
      const t = entry?.target;
      let why: string | undefined;
      if (!t?.enabled) why = "down";
      else if (t.isCold()) why = "cold";
      else if (!t.isAvailable()) why = "down";
      else
        try {
          chosen = planRoute({ ...input, entries: [entry as PlanEntry], withOverflow: false })[0];
        } catch {
          why = "incapable";
        }
      if (chosen) break;
      input.metrics.diverted.inc({ split: name, arm: arm.name, reason: why ?? "incapable" });
      if (why === "cold" && t) cold.push(t);
      divertedFrom ??= arm.name;
      remaining.splice(remaining.indexOf(arm), 1);
      // A second point for the diverted, so users of the arms still up keep theirs.
      arm = pickArm(remaining, point(`${name}/${arm.name}`));
    }
    const defined = (e: PlanEntry | undefined): e is PlanEntry => e !== undefined;
    // No arm can take it: the planner over every arm refuses it as it would any request (503, or
    // the context error a context_window chain reads) and raises the cold arms' demand itself.
    if (!chosen) return planRouteWithOverflow({ ...input, entries: [...entries.values()].filter(defined) });
    const others = remaining
      .filter((a) => a !== arm)
      .map((a) => entries.get(a))
      .filter(defined);
    let rest: Candidate[] = [];
    try {
      rest = planRoute({ ...input, entries: others, withOverflow: true });
    } catch {
      // Nothing behind the assigned arm: it is the only candidate.
    }
    const alternative = chosen.costPer1K;
    for (const t of cold)
      t.demand.offer(input.profile.promptTokens + input.profile.completionTokens, {
        costPerHour: t.cluster?.costPerHour ?? 0,
        warmMinutes: input.settings.wakeUpWarmMinutes,
        alternativePer1K: alternative,
      });
    const first = { ...chosen, reason: divertedFrom ? `split_diverted:${divertedFrom}` : "weighted_split" };
    const all = [first, ...rest];
    const budget = input.settings.maxRetries + 1;
    return { candidates: all.slice(0, budget), overflow: all[budget] };
  }
}
