import { HttpError } from "@llm/contracts";
import type { RouterSettings, RoutingStrategyName } from "../config/schema.js";
import type { ModelMatch, Target } from "../targets/target.js";
import type { RequestProfile } from "./profile.js";
import { inRegion, type RegionPreference, regionsText } from "./region.js";
import { type Candidate, rankCandidates } from "./strategies.js";

export interface PlanInput {
  profile: RequestProfile;
  targets: readonly Target[];
  settings: RouterSettings;
  strategy: RoutingStrategyName;
  /** Target named by `x-router-target`: the only candidate, no failover. */
  pinned?: string;
  /** `x-router-region` / `x-router-region-policy`; a pinned target must only meet `require`. */
  region?: RegionPreference;
  /**
   * Also return the first ranked target beyond the retry budget as `overflow`: tried only when a
   * target answered "saturated" (its queue is full), so a full pool spills instead of failing.
   */
  withOverflow?: boolean;
  /**
   * A model group's deployments (policies/route.ts): only these targets, each with the upstream
   * model it declares (or what the target resolves the requested name to). Absent: every target.
   */
  entries?: readonly PlanEntry[];
  /** Keep the entries' order instead of the strategy's (an `ordered` group). */
  keepOrder?: boolean;
}

/** One deployment of a model group: a target and, optionally, the model sent to it. */
export interface PlanEntry {
  target: Target;
  model?: string;
}

/** The model `e` sends upstream for the request, or undefined when its target cannot serve it. */
function resolveEntry(e: PlanEntry, requested: string): ModelMatch | undefined {
  return e.model !== undefined ? { upstream: e.model, exact: true } : e.target.resolveModel(requested);
}

/** A plan: the candidates within the retry budget, and the spill target beyond it, if asked. */
export interface Plan {
  candidates: Candidate[];
  overflow?: Candidate;
}

/** planRoute, plus the overflow candidate beyond the retry budget. */
export function planRouteWithOverflow(input: PlanInput): Plan {
  const all = planRoute({ ...input, withOverflow: true });
  const budget = input.pinned ? all.length : input.settings.maxRetries + 1;
  return { candidates: all.slice(0, budget), overflow: all[budget] };
}

/** Why a target cannot serve the request at all (null when it can). */
function incapable(t: Target, p: RequestProfile): string | null {
  for (const cap of p.required) if (!t.capabilities.has(cap)) return `does not support ${cap}`;
  if (p.promptTokens + p.completionTokens > t.contextLength)
    return `context of ${t.contextLength} tokens is too small for ~${p.promptTokens} prompt + ${p.completionTokens} completion tokens`;
  return null;
}

function candidate(t: Target, upstreamModel: string, p: RequestProfile): Candidate {
  return {
    target: t,
    upstreamModel,
    costUsd: t.estimateCost(upstreamModel, p.promptTokens, p.completionTokens),
    costPer1K: t.costPer1K(upstreamModel),
    marginalPer1K: t.marginalCostPer1K(upstreamModel),
    reason: "",
  };
}

function pinnedPlan(input: PlanInput, name: string): Candidate[] {
  const listed = input.targets.find((x) => x.name === name);
  const entry: PlanEntry | undefined = input.entries
    ? input.entries.find((e) => e.target.name === name)
    : listed && { target: listed };
  const t = entry?.target;
  if (!t?.enabled)
    throw new HttpError(400, `Unknown or disabled target "${name}"`, {
      param: "x-router-target",
      code: "unknown_target",
    });
  const match = entry && resolveEntry(entry, input.profile.model);
  if (!match)
    throw new HttpError(400, `Target "${name}" does not serve model "${input.profile.model}"`, {
      param: "model",
      code: "model_not_found",
    });
  const why = incapable(t, input.profile);
  if (why)
    throw new HttpError(400, `Target "${name}" ${why}`, {
      param: "x-router-target",
      code: "target_incapable",
    });
  // A pin is the caller's explicit choice, but `require` is a residency rule: it still holds.
  if (input.region?.policy === "require" && !inRegion(input.region, t.region))
    throw new HttpError(400, `Target "${name}" is not in ${regionsText(input.region)}`, {
      param: "x-router-target",
      code: "region_unavailable",
    });
  // A pin to a scaled-to-zero pool wakes it (pending demand) and asks the client to come back.
  if (t.isCold()) {
    t.demand.add(1);
    throw new HttpError(503, `Target "${name}" is scaling up from zero; retry shortly`, {
      code: "target_cold",
      headers: { "retry-after": "10" },
    });
  }
  return [{ ...candidate(t, match.upstream, input.profile), reason: "pinned" }];
}

/** With `require`, only targets in a requested region; refuses the request when none can serve it. */
function regionFilter(capable: Candidate[], region: RegionPreference | undefined): Candidate[] {
  if (region?.policy !== "require") return capable;
  const kept = capable.filter((c) => inRegion(region, c.target.region));
  if (kept.length === 0)
    throw new HttpError(400, `No target in ${regionsText(region)} can serve this request`, {
      param: "x-router-region",
      code: "region_unavailable",
    });
  return kept;
}

/**
 * With `prefer`, targets in a requested region first (each part keeps the strategy's order); the
 * others follow as fallback, marked `outside_region`. With no target there, the order stays.
 */
function byRegion(ranked: Candidate[], region: RegionPreference | undefined): Candidate[] {
  if (region?.policy !== "prefer") return ranked;
  const inside = ranked.filter((c) => inRegion(region, c.target.region));
  const outside = ranked.filter((c) => !inRegion(region, c.target.region));
  return [...inside, ...outside.map((c) => ({ ...c, reason: "outside_region" }))];
}

/**
 * Ranks the targets for one request: capability filter (model, endpoint features, context),
 * region (`require` filters), strategy order, region (`prefer` reorders), health (cold/unavailable
 * targets removed, cold ones that would have been preferred get pending demand), overloaded
 * targets last, then at most maxRetries + 1.
 * Throws an HttpError when nothing can serve the request.
 */
export function planRoute(input: PlanInput): Candidate[] {
  const { profile, settings } = input;
  if (input.pinned) return pinnedPlan(input, input.pinned);

  const hasCluster = input.targets.some((t) => t.kind === "cluster" && t.enabled);
  const capable: Candidate[] = [];
  let servesModel = false;
  let lastWhy: string | null = null;
  for (const e of input.entries ?? input.targets.map((target) => ({ target }))) {
    const t = e.target;
    if (!t.enabled) continue;
    // Without fallback, external providers serve only when no cluster is configured (or when pinned).
    if (t.kind === "external" && !settings.enableExternalFallback && hasCluster) continue;
    const match = resolveEntry(e, profile.model);
    if (!match) continue;
    servesModel = true;
    const why = incapable(t, profile);
    if (why) {
      lastWhy = `${t.name} ${why}`;
      continue;
    }
    capable.push(candidate(t, match.upstream, profile));
  }
  if (!servesModel)
    throw new HttpError(404, `The model "${profile.model}" is not served by any target`, {
      param: "model",
      code: "model_not_found",
    });
  if (capable.length === 0)
    throw new HttpError(400, `No target can serve this request: ${lastWhy}`, {
      code: lastWhy?.includes("context") ? "context_length_exceeded" : "unsupported_request",
    });

  const filtered = regionFilter(capable, input.region);
  const ranked = byRegion(
    input.keepOrder
      ? filtered.map((c) => ({ ...c, reason: "group_order" }))
      : rankCandidates(input.strategy, filtered, { clusterCostThreshold: settings.clusterCostThreshold }),
    input.region,
  );
  const usable: Candidate[] = [];
  const overloaded: Candidate[] = [];
  let coldPreferred: Target | undefined;
  const coldWanted: Target[] = [];
  let downPreferred = false;
  for (const c of ranked) {
    const t = c.target;
    if (!t.isAvailable()) {
      // Demand counts for cold targets the strategy ranked above every warm one.
      if (usable.length === 0 && overloaded.length === 0) {
        if (t.isCold()) {
          coldWanted.push(t);
          coldPreferred ??= t;
        } else downPreferred = true;
      }
      continue;
    }
    const p95 = t.latency.p95();
    const busy =
      (t.live.queueDepth !== undefined && t.live.queueDepth > settings.maxQueueDepth) ||
      (p95 !== undefined && t.latency.samples >= 5 && p95 > settings.maxLatencyMs);
    (busy ? overloaded : usable).push(c);
  }
  const out = [...usable, ...overloaded.map((c) => ({ ...c, reason: "overloaded" }))];
  // Demand for a cold pool is raised only when what waits for it pays for waking it (pricing/wake-up.ts).
  const alternative = out[0]?.costPer1K ?? Number.POSITIVE_INFINITY;
  for (const t of coldWanted)
    t.demand.offer(profile.promptTokens + profile.completionTokens, {
      costPerHour: t.cluster?.costPerHour ?? 0,
      warmMinutes: settings.wakeUpWarmMinutes,
      alternativePer1K: alternative,
    });
  if (out.length === 0) {
    const msg = coldPreferred
      ? `Target "${coldPreferred.name}" is scaling up from zero and no other target is available; retry shortly`
      : "No healthy target is available for this request";
    throw new HttpError(503, msg, { code: "no_available_target", headers: { "retry-after": "5" } });
  }
  // Say when the first choice is only there because better-ranked targets are cold or down.
  if (coldPreferred && out[0]) out[0] = { ...out[0], reason: `cold_target_bypassed:${coldPreferred.name}` };
  else if (downPreferred && out[0]) out[0] = { ...out[0], reason: "preferred_unavailable" };
  return out.slice(0, settings.maxRetries + 1 + (input.withOverflow ? 1 : 0));
}
