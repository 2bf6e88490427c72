import type { TokenPrice } from "@llm/contracts";
import {
  type ChatCompletionRequest,
  type CompletionRequest,
  chatCompletionRequest,
  completionRequest,
  type EmbeddingsRequest,
  embeddingsRequest,
  HttpError,
  parseBody,
} from "@llm/contracts";
import type { Request, Response } from "express";
import { routingStrategyName } from "../config/schema.js";
import type { InboundExchange } from "../inbound/shared/inbound-api.js";
import { inboundApis } from "../inbound/shared/registry.js";
import { policiesOf } from "../policies/compile.js";
import { policyMetrics } from "../policies/metrics.js";
import { type PolicyDecision, planWithPolicies } from "../policies/route.js";
import {
  chatProfile,
  completionProfile,
  type EndpointKind,
  embeddingsProfile,
  type RequestProfile,
} from "../routing/profile.js";
import { parseRegionPreference } from "../routing/region.js";
import type { Candidate } from "../routing/strategies.js";
import { writeRateLimitHeaders } from "../tenants/rate-limit-headers.js";
import type { Reservation, TenantContext } from "../tenants/types.js";
import type { ForwardDeps, Generation } from "./context.js";
import { referencePricesFor } from "./reference-prices.js";
import type { AnyRequest } from "./types.js";

const parsers = {
  chat: (body: unknown) => parseBody(chatCompletionRequest, body),
  completions: (body: unknown) => parseBody(completionRequest, body),
  embeddings: (body: unknown) => parseBody(embeddingsRequest, body),
} satisfies Partial<Record<EndpointKind, (b: unknown) => AnyRequest>>;

/**
 * The request body as the pipeline uses it: an OpenAI body parsed by its endpoint's schema, or an
 * inbound API's exchange (inbound/shared/inbound-api.ts), whose chat body routing then profiles.
 */
function bodyOf(kind: EndpointKind, req: Request): { body: AnyRequest; exchange?: InboundExchange } {
  const inbound = inboundApis[kind];
  if (inbound) {
    const exchange = inbound.open(req.body, req);
    return { body: exchange.chat, exchange };
  }
  const parse = parsers[kind as keyof typeof parsers];
  if (!parse) throw new HttpError(404, `Unknown route POST ${req.path ?? req.url}`);
  return { body: parse(req.body) };
}

function profileOf(kind: EndpointKind, body: AnyRequest, defaultMaxTokens: number): RequestProfile {
  if (kind === "chat") return chatProfile(body as ChatCompletionRequest, defaultMaxTokens);
  if (kind === "completions") return completionProfile(body as CompletionRequest, defaultMaxTokens);
  if (kind === "embeddings") return embeddingsProfile(body as EmbeddingsRequest);
  // An inbound API: routed exactly as its chat body would be.
  return { ...chatProfile(body as ChatCompletionRequest, defaultMaxTokens), endpoint: kind };
}

/** A request header's (first) value. */
export function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A request that passed validation, planning and admission. */
export interface Prepared {
  body: AnyRequest;
  profile: RequestProfile;
  candidates: Candidate[];
  /** The spill target beyond the retry budget (tried only after a "saturated" answer). */
  overflow?: Candidate;
  /** What each capable external would bill: the usage record's all-external reference. */
  referencePrices: readonly TokenPrice[];
  reservation: Reservation;
  gen: Generation;
  /** What the traffic policies decided, when the model is a group. */
  decision?: PolicyDecision;
  /** The inbound API's exchange, for `messages` / `responses` requests. */
  exchange?: InboundExchange;
}

/** Validation, planning and admission: everything that may refuse a request before an upstream sees it. */
export async function prepare(
  deps: ForwardDeps,
  kind: EndpointKind,
  req: Request,
  res: Response,
  tenant: TenantContext,
): Promise<Prepared> {
  const { body, exchange } = bodyOf(kind, req);
  const gen: Generation = deps.current();
  const settings = gen.config.router;

  const strategyHeader = header(req, "x-router-strategy");
  let strategy = settings.routingStrategy;
  if (strategyHeader !== undefined) {
    const parsed = routingStrategyName.safeParse(strategyHeader);
    if (!parsed.success)
      throw new HttpError(400, `x-router-strategy must be one of ${routingStrategyName.options.join(", ")}`, {
        param: "x-router-strategy",
        code: "invalid_strategy",
      });
    strategy = parsed.data;
  }
  const profile = profileOf(kind, body, settings.defaultMaxTokens);
  // A model group narrows the targets first (policies/route.ts); other models plan as before.
  const { candidates, overflow, decision } = planWithPolicies({
    policies: policiesOf(gen.config),
    byName: gen.targets.byName,
    body: req.body,
    headers: req.headers,
    now: deps.now(),
    metrics: policyMetrics(deps.metrics.registry),
    publish: deps.events && ((e) => deps.events?.publish(e)),
    // Read only when a fallback event is published (the id is stamped on the response).
    requestId: () => String(res.getHeader?.("x-request-id") ?? ""),
    tenant: tenant.tenantId,
    profile,
    targets: gen.targets.list,
    settings,
    strategy,
    pinned: header(req, "x-router-target"),
    region: parseRegionPreference(header(req, "x-router-region"), header(req, "x-router-region-policy")),
  });

  const first = candidates[0] as Candidate;
  const reservation = await deps.guard.admit(tenant, {
    model: profile.model,
    promptTokens: profile.promptTokens,
    maxCompletionTokens: profile.completionTokens,
    costUsd: Number.isFinite(first.costUsd) ? first.costUsd : 0,
  });
  // Every admitted answer carries the tenant's x-ratelimit-* headers, as OpenAI's do.
  writeRateLimitHeaders(res, reservation);
  // The strategy that ranked the targets (the config's, or the request's x-router-strategy).
  res.setHeader("x-router-strategy", strategy);

  const referencePrices = referencePricesFor(gen.targets, profile.model);
  return { body, profile, candidates, overflow, referencePrices, reservation, gen, exchange, decision };
}
