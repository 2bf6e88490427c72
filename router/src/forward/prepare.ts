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
import { planRouteWithOverflow } from "../routing/plan.js";
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
} satisfies Record<EndpointKind, (b: unknown) => AnyRequest>;

function profileOf(kind: EndpointKind, body: AnyRequest, defaultMaxTokens: number): RequestProfile {
  if (kind === "chat") return chatProfile(body as ChatCompletionRequest, defaultMaxTokens);
  if (kind === "completions") return completionProfile(body as CompletionRequest, defaultMaxTokens);
  return embeddingsProfile(body as EmbeddingsRequest);
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
}

/** Validation, planning and admission: everything that may refuse a request before an upstream sees it. */
export async function prepare(
  deps: ForwardDeps,
  kind: EndpointKind,
  req: Request,
  res: Response,
  tenant: TenantContext,
): Promise<Prepared> {
  const body = parsers[kind](req.body);
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
  const { candidates, overflow } = planRouteWithOverflow({
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
  return { body, profile, candidates, overflow, referencePrices, reservation, gen };
}
