import type { IncomingMessage, ServerResponse } from "node:http";
import { type ChatCompletionRequest, HttpError, parseBody, signRequest } from "@llm/contracts";
import { z } from "zod";
import { routingStrategyName } from "../../config/schema.js";
import type { ForwardDeps } from "../../forward/context.js";
import { readJsonBody } from "../../http/body.js";
import { sendError } from "../../http/errors.js";
import { stampResponse } from "../../http/request-id.js";
import { sendJson } from "../../http/send.js";
import { anthropicNativeOf } from "../../providers/anthropic/native.js";
import { planRouteWithOverflow } from "../../routing/plan.js";
import { chatProfile } from "../../routing/profile.js";
import { parseRegionPreference } from "../../routing/region.js";
import type { Candidate } from "../../routing/strategies.js";
import { refuseServerTools, refuseUnknownBlocks } from "./api.js";
import { nativeHeaders, requestBetas } from "./betas.js";
import { countTokensRequest } from "./schema.js";
import { toChatRequest } from "./to-chat.js";

/**
 * Where a count came from, in `x-router-token-count-source`: `runtime` (the cluster runtime's
 * tokenizer, `POST /v1/tokenize`), `provider` (Anthropic's own count_tokens) or `estimate`
 * (the router's estimate: other externals, or when the target's count failed).
 */
export type TokenCountSource = "runtime" | "provider" | "estimate";

/** How long a count may take before the router answers with its estimate instead. */
const COUNT_TIMEOUT_MS = 10_000;

const tokenizeAnswer = z.object({ prompt_tokens: z.number().int().nonnegative() }).loose();
const providerAnswer = z.object({ input_tokens: z.number().int().nonnegative() }).loose();

/**
 * `POST /v1/messages/count_tokens` → `{input_tokens}`, counted against the target this request
 * would be routed to (the first ranked candidate, with the request's x-router-* hints): a
 * cluster's runtime tokenizer, Anthropic's own endpoint, or else the router's estimate (marked so
 * in `x-router-token-count-source`). Authenticated, never admitted or charged: a count is free.
 */
export function createCountTokensEndpoint(deps: ForwardDeps, bodyLimit: number) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    stampResponse(req, res);
    readJsonBody(req, bodyLimit)
      .then((body) => countTokens(deps, req, res, body))
      .catch((err: unknown) => sendError(res, err, deps.logger));
  };
}

const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

async function countTokens(deps: ForwardDeps, req: IncomingMessage, res: ServerResponse, body: unknown) {
  const tenant = await deps.guard.authenticate(req);
  refuseServerTools(body);
  refuseUnknownBlocks(body);
  const request = parseBody(countTokensRequest, body);
  // The key's model allowlist holds for counting as for generating (admission's 403).
  if (tenant.allowedModels && !tenant.allowedModels.includes(request.model))
    throw new HttpError(403, `This API key may not use model '${request.model}'`, {
      param: "model",
      code: "model_not_allowed",
    });
  const betas = requestBetas(req.headers);
  const chat = toChatRequest(request);
  const gen = deps.current();
  const settings = gen.config.router;
  const strategy = routingStrategyName.safeParse(headerOf(req, "x-router-strategy"));
  const profile = chatProfile(chat, settings.defaultMaxTokens);
  const { candidates } = planRouteWithOverflow({
    profile: { ...profile, endpoint: "messages" },
    targets: gen.targets.list,
    settings,
    strategy: strategy.success ? strategy.data : settings.routingStrategy,
    pinned: headerOf(req, "x-router-target"),
    region: parseRegionPreference(headerOf(req, "x-router-region"), headerOf(req, "x-router-region-policy")),
  });
  // The first candidate this key may use (a count touches no target limits, so no reservation);
  // when it may use none, the estimate stands and no target is asked.
  const cand = candidates.find(
    (c) => !tenant.allowedTargets || tenant.allowedTargets.includes(c.target.name),
  );
  let source: TokenCountSource = "estimate";
  let tokens = profile.promptTokens;
  try {
    const counted = cand
      ? await countAt(
          cand,
          chat,
          { ...(body as object), model: cand.upstreamModel },
          nativeHeaders(req.headers, betas),
        )
      : undefined;
    if (counted) [source, tokens] = counted;
  } catch (err) {
    deps.logger.warn(
      { target: cand?.target.name, err: (err as Error).message },
      "token count failed; answering the estimate",
    );
  }
  sendJson(
    res,
    200,
    { input_tokens: tokens },
    {
      "x-router-target": cand?.target.name ?? "none",
      "x-router-token-count-source": source,
    },
  );
}

/** The target's own count, or undefined where it has none (the estimate then stands). */
async function countAt(
  cand: Candidate,
  chat: ChatCompletionRequest,
  native: object,
  headers: Record<string, string>,
): Promise<[TokenCountSource, number] | undefined> {
  const t = cand.target;
  const signal = AbortSignal.timeout(COUNT_TIMEOUT_MS);
  const anthropic = anthropicNativeOf(t.adapter);
  if (anthropic) {
    const answer = await anthropic.countTokens(
      native,
      { signal, upstreamModel: cand.upstreamModel },
      headers,
    );
    return ["provider", providerAnswer.parse(answer).input_tokens];
  }
  if (t.spec.kind !== "cluster") return undefined;
  const cluster = t.spec.cluster;
  // mTLS clusters need the adapter's client certificate; the estimate stands for them.
  if (cluster.authType === "mtls") return undefined;
  const url = new URL(`${cluster.endpoint.replace(/\/+$/, "")}/v1/tokenize`);
  const payload = JSON.stringify({ ...chat, model: cand.upstreamModel });
  // Signed over the exact body bytes, as every cluster call is (providers/cluster/adapter.ts).
  const signed =
    cluster.authType === "hmac" && cluster.sharedSecret
      ? signRequest(cluster.sharedSecret, { method: "POST", path: url.pathname, body: payload })
      : {};
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...signed },
    body: payload,
    signal,
  });
  if (!res.ok) throw new Error(`${t.name}: /v1/tokenize answered ${res.status}`);
  return ["runtime", tokenizeAnswer.parse(await res.json()).prompt_tokens];
}
