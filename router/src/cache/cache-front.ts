import type { Response } from "express";
import type { Outcome } from "../forward/accounting.js";
import type { ForwardDeps, Generation } from "../forward/context.js";
import type { PolicyDecision } from "../policies/route.js";
import type { RequestProfile } from "../routing/profile.js";
import type { Candidate } from "../routing/strategies.js";
import type { CacheDirectives } from "./cache-directives.js";
import type { CacheLookup, CacheRequest } from "./response-cache.js";
import { serveHit } from "./serve-hit.js";

/** The request facts the cache needs, from forward(). */
export interface CacheFrontInput {
  gen: Generation;
  kind: string;
  body: object;
  profile: RequestProfile;
  /** The traffic policies' decision (model groups, experiments) and the first-ranked candidate. */
  decision?: PolicyDecision;
  first?: Candidate;
  directives: CacheDirectives | undefined;
  res: Response;
  outcome: Outcome;
  propagate: Record<string, string>;
  /** performance.now() at arrival, for `x-router-overhead-ms` (all of a hit's time is the router's). */
  arrivedAt: number;
}

/** A request after the cache saw it: answered from it, or to be stored once the upstream answered. */
export interface CacheFront {
  served: boolean;
  lookup?: CacheLookup;
  request?: CacheRequest;
}

/**
 * The response cache's place in the request path, after admission (budgets and rate limits saw
 * the request) and before any target is tried: stamps `x-router-cache`, and on a hit writes the
 * stored answer and fills the outcome (charged `hitCostFraction` of the stored cost, the saving
 * booked). Without a cache every request is a `bypass`.
 */
export async function consultCache(deps: ForwardDeps, i: CacheFrontInput): Promise<CacheFront> {
  const cache = deps.cache;
  if (!cache || !i.directives) {
    i.res.setHeader("x-router-cache", "bypass");
    i.outcome.cache = { result: "bypass" };
    return { served: false };
  }
  const request: CacheRequest = {
    gen: i.gen,
    kind: i.kind,
    body: i.body,
    tenantId: i.outcome.tenant.tenantId,
    model: i.profile.model,
    variant: variantOf(i.decision?.experimentFor(i.first), i.first),
    stream: i.profile.stream,
    directives: i.directives,
    headers: i.propagate,
  };
  const lookup = await cache.lookup(request);
  i.outcome.cache = { result: lookup.result };
  const entry = lookup.entry;
  if (!entry || (lookup.result !== "hit" && lookup.result !== "semantic-hit")) {
    i.res.setHeader("x-router-cache", lookup.result);
    return { served: false, lookup, request };
  }
  const { costUsd, savedUsd } = cache.hitCost(entry);
  const includeUsage = (i.body as { stream_options?: { include_usage?: boolean } | null }).stream_options
    ?.include_usage;
  const served = serveHit(i.res, {
    kind: i.kind,
    stream: i.profile.stream,
    includeUsage: includeUsage === true,
    result: lookup.result,
    entry,
    costUsd,
    headers: { "x-router-overhead-ms": Math.max(0, performance.now() - i.arrivedAt).toFixed(3) },
  });
  if (!served) {
    i.res.setHeader("x-router-cache", "miss");
    i.outcome.cache = { result: "miss" };
    return { served: false, lookup: { ...lookup, result: "miss", entry: undefined }, request };
  }
  const o = i.outcome;
  o.cache = {
    result: lookup.result,
    hit: { target: entry.target, upstreamModel: entry.upstreamModel, costUsd, savedUsd },
  };
  o.usage = entry.usage;
  o.status = 200;
  o.firstByteAt = deps.now();
  if (savedUsd > 0) deps.metrics.cacheSaved.inc(savedUsd);
  return { served: true, lookup, request };
}

/**
 * What besides the body decides which answer a request gets: the experiment arm routing assigned
 * it, and a pinned target (`x-router-target` asks for that target's answer, not any target's).
 */
function variantOf(
  e: { id: string; arm: string } | undefined,
  first: Candidate | undefined,
): string | undefined {
  const parts = [e ? `${e.id}/${e.arm}` : "", first?.reason === "pinned" ? first.target.name : ""];
  return parts.some((p) => p) ? parts.join("@") : undefined;
}

/** Stores the answer a miss produced, once the request has finished (never rejects). */
export async function storeInCache(deps: ForwardDeps, front: CacheFront, o: Outcome): Promise<void> {
  if (front.served || !front.lookup?.capture || !front.request || !deps.cache) return;
  await deps.cache.store(front.lookup, front.request, {
    status: o.status,
    target: o.candidate?.target,
    upstreamModel: o.candidate?.upstreamModel,
    usage: o.usage,
  });
}
