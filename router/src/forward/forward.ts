import { randomUUID } from "node:crypto";
import { HttpError } from "@llm/contracts";
import { type InferenceSpan, startInferenceSpan } from "@llm/telemetry";
import type { Request, Response } from "express";
import type { CacheDirectives } from "../cache/cache-directives.js";
import { consultCache, storeInCache } from "../cache/cache-front.js";
import { promptText } from "../events/prompt.js";
import type { EndpointKind } from "../routing/profile.js";
import type { TenantContext } from "../tenants/types.js";
import { type Outcome, settle } from "./accounting.js";
import type { ForwardDeps } from "./context.js";
import { header, type Prepared, prepare } from "./prepare.js";
import { offersTools } from "./tool-calls.js";
import { tryCandidates } from "./try-candidates.js";

/**
 * Handles one inference request end to end: authenticate, validate, plan, admit (prepare.ts),
 * then try the ranked targets until one answers (try-candidates.ts: one attempt each, attempt.ts,
 * classified by the failover table, failover.ts). Failover happens only before the client has
 * received a byte; afterwards a stream failure becomes an SSE error event. Every outcome is settled.
 */
export async function forward(
  deps: ForwardDeps,
  kind: EndpointKind,
  req: Request,
  res: Response,
): Promise<void> {
  const startedAt = deps.now();
  const arrivedAt = performance.now();
  const tenant: TenantContext = await deps.guard.authenticate(req);
  const requestId = header(req, "x-request-id") ?? randomUUID();
  // With tracing off the span is a no-op, but an incoming traceparent still flows upstream through it.
  const otel =
    deps.tracing || req.headers.traceparent !== undefined
      ? startInferenceSpan({
          operation: spanOperation[kind],
          requestModel: modelOf(req.body),
          headers: req.headers,
        })
      : NO_SPAN;
  let prepared: Prepared;
  let directives: CacheDirectives | undefined;
  try {
    // Cache-Control / x-router-cache-ttl: a malformed TTL is refused like any bad input.
    directives = deps.cache?.directives(req.headers);
    prepared = await prepare(deps, kind, req, res, tenant);
  } catch (err) {
    // Refused before any upstream: still one usage record, so every outcome is accounted for.
    const status = err instanceof HttpError ? err.status : 500;
    await settle(deps, {
      requestId,
      tenant,
      model: modelOf(req.body),
      status,
      stream: false,
      startedAt,
      endpoint: kind,
    });
    otel.end({ status, error: status >= 500 ? err : undefined });
    throw err;
  }
  const { body, profile, candidates, overflow, referencePrices, reservation, gen, exchange } = prepared;
  const outcome: Outcome = {
    requestId,
    tenant,
    reservation,
    model: profile.model,
    status: 502,
    stream: profile.stream,
    startedAt,
    endpoint: kind,
    referencePrices,
    tools: offersTools(body),
    ...(tenant.eventPrompts ? { prompt: promptText(body) } : {}),
  };
  const propagate: Record<string, string> = { "x-request-id": requestId, ...otel.traceHeaders };
  // The response cache: after admission (limits and budgets saw the request), before any target.
  const cached = await consultCache(deps, {
    gen,
    kind,
    body,
    profile,
    decision: prepared.decision,
    first: candidates[0],
    directives,
    res,
    outcome,
    propagate,
    arrivedAt,
  });
  if (cached.served) {
    await settle(deps, outcome);
    if (otel !== NO_SPAN) endSpan(otel, outcome);
    return;
  }

  try {
    await tryCandidates(deps, gen, {
      kind,
      body,
      exchange,
      profile,
      candidates,
      overflow,
      decision: prepared.decision,
      res,
      client: res,
      propagate,
      outcome,
      capture: cached.lookup?.capture,
      arrivedAt,
      upstreamMs: 0,
    });
  } finally {
    await settle(deps, outcome);
    await storeInCache(deps, cached, outcome);
    // NO_SPAN's end is a no-op: skip working out what it would be told.
    if (otel !== NO_SPAN) endSpan(otel, outcome);
  }
}

function endSpan(otel: Pick<InferenceSpan, "end">, outcome: Outcome): void {
  const c = outcome.candidate;
  const u = outcome.usage;
  otel.end({
    status: outcome.status,
    responseModel: c?.upstreamModel,
    inputTokens: u?.prompt_tokens,
    outputTokens: u?.completion_tokens,
    target: c?.target.name,
    costUsd: c
      ? c.target.actualCost(c.upstreamModel, u?.prompt_tokens ?? 0, u?.completion_tokens ?? 0)
      : undefined,
  });
}

/** What a request uses of its span when there is none to keep: nothing to propagate, nothing to end. */
const NO_SPAN: Pick<InferenceSpan, "traceHeaders" | "end"> = Object.freeze({ traceHeaders: {}, end() {} });

const spanOperation: Record<EndpointKind, string> = {
  chat: "chat",
  completions: "text_completion",
  embeddings: "embeddings",
  // Inbound APIs translated to chat (inbound/shared/): a chat operation in gen_ai terms.
  messages: "chat",
  responses: "chat",
};

function modelOf(body: unknown): string {
  const m = (body as { model?: unknown } | undefined)?.model;
  return typeof m === "string" ? m : "";
}
