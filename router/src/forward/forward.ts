import { randomUUID } from "node:crypto";
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
import { type InferenceSpan, startInferenceSpan } from "@llm/telemetry";
import type { Request, Response } from "express";
import { routingStrategyName } from "../config/schema.js";
import { sendJson } from "../http/send.js";
import { usdText } from "../pricing/usd-text.js";
import { rawJsonOf } from "../providers/raw-json.js";
import { type CallContext, UpstreamError } from "../providers/types.js";
import { planRoute } from "../routing/plan.js";
import {
  chatProfile,
  completionProfile,
  type EndpointKind,
  embeddingsProfile,
  type RequestProfile,
} from "../routing/profile.js";
import { parseRegionPreference } from "../routing/region.js";
import type { Candidate } from "../routing/strategies.js";
import type { Reservation, TenantContext } from "../tenants/types.js";
import { AttemptContext, AttemptSignal, ClientClosedError } from "./abort.js";
import { type Outcome, settle } from "./accounting.js";
import type { ForwardDeps, Generation } from "./context.js";
import { pipeStream } from "./stream.js";
import { type AnyRequest, type AttemptInput, CLIENT_CLOSED, overheadMs, type StreamChunk } from "./types.js";
import { asUsage, call, classify, estimateOutputTokens } from "./upstream.js";

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

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Handles one inference request end to end: authenticate, validate, plan, admit, then try the
 * ranked targets until one answers. Failover happens only before the client has received a
 * byte; afterwards a stream failure becomes an SSE error event. Every outcome is settled.
 */
export async function forward(
  deps: ForwardDeps,
  kind: EndpointKind,
  req: Request,
  res: Response,
): Promise<void> {
  const startedAt = deps.now();
  const arrivedAt = performance.now();
  const tenant = await deps.guard.authenticate(req);
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
  try {
    prepared = await prepare(deps, kind, req, tenant);
  } catch (err) {
    // Refused before any upstream: still one usage record, so every outcome is accounted for.
    const status = err instanceof HttpError ? err.status : 500;
    await settle(deps, { requestId, tenant, model: modelOf(req.body), status, stream: false, startedAt });
    otel.end({ status, error: status >= 500 ? err : undefined });
    throw err;
  }
  const { body, profile, candidates, reservation, gen } = prepared;
  const outcome: Outcome = {
    requestId,
    tenant,
    reservation,
    model: profile.model,
    status: 502,
    stream: profile.stream,
    startedAt,
  };
  const propagate: Record<string, string> = { "x-request-id": requestId, ...otel.traceHeaders };

  try {
    await attemptAll(deps, gen, {
      kind,
      body,
      profile,
      candidates,
      res,
      client: res,
      propagate,
      outcome,
      arrivedAt,
      upstreamMs: 0,
    });
  } finally {
    await settle(deps, outcome);
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
};

interface Prepared {
  body: AnyRequest;
  profile: RequestProfile;
  candidates: Candidate[];
  reservation: Reservation;
  gen: Generation;
}

function modelOf(body: unknown): string {
  const m = (body as { model?: unknown } | undefined)?.model;
  return typeof m === "string" ? m : "";
}

/** Validation, planning and admission: everything that may refuse a request before an upstream sees it. */
async function prepare(
  deps: ForwardDeps,
  kind: EndpointKind,
  req: Request,
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
  const candidates = planRoute({
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

  return { body, profile, candidates, reservation, gen };
}

async function attemptAll(deps: ForwardDeps, gen: Generation, a: AttemptInput): Promise<void> {
  const { metrics, logger } = deps;
  const { server } = gen.config;
  let lastError: UpstreamError | HttpError | undefined;
  let attempted = 0;
  const failures: string[] = [];

  for (const cand of a.candidates) {
    const t = cand.target;
    try {
      const authorizing = deps.guard.authorizeTarget(a.outcome.tenant, t.name);
      if (authorizing) await authorizing;
    } catch (err) {
      if (err instanceof HttpError) {
        lastError ??= err;
        continue;
      }
      throw err;
    }
    if (!t.breaker.tryAcquire()) {
      failures.push(`${t.name}: circuit open`);
      continue;
    }
    attempted++;
    a.outcome.candidate = cand;
    const reason = attempted > 1 ? "failover" : cand.reason;
    const routeHeaders: Record<string, string> = { "x-router-target": t.name, "x-router-reason": reason };
    metrics.routingDecisions.inc({ target: t.name, type: t.kind, reason });
    const sig = new AttemptSignal(a.client);
    const ctx: CallContext = new AttemptContext(sig, cand.upstreamModel, a.propagate);
    const started = deps.now();
    const callStart = performance.now();
    let waited = false;
    /** Books the time this attempt spent waiting on its upstream (once) and stamps the overhead header. */
    const upstreamAnswered = () => {
      if (!waited) a.upstreamMs += performance.now() - callStart;
      waited = true;
      routeHeaders["x-router-overhead-ms"] = overheadMs(a);
    };
    t.acquire();
    let verdict: "ok" | "fail" | "none" = "none";
    let status = 0;
    try {
      if (!a.profile.stream) {
        sig.arm(t.provider?.timeout ?? server.requestTimeout, "total");
        const result = (await call(t.adapter, a.kind, false, a.body, ctx)) as {
          usage?: unknown;
          choices?: unknown[];
        };
        sig.dispose();
        upstreamAnswered();
        verdict = "ok";
        status = 200;
        t.latency.observe(deps.now() - started);
        const usage = asUsage(result.usage) ?? {
          prompt_tokens: a.profile.promptTokens,
          completion_tokens: estimateOutputTokens(result),
          total_tokens: 0,
        };
        a.outcome.usage = usage;
        a.outcome.status = 200;
        const costUsd = t.estimateCost(cand.upstreamModel, usage.prompt_tokens, usage.completion_tokens);
        // An unpriced model gets no header rather than a cost of 0 it did not have.
        if (Number.isFinite(costUsd)) routeHeaders["x-router-cost-usd"] = usdText(costUsd);
        // Plain node write instead of res.json: express's send machinery costs more than the JSON.
        // An OpenAI-wire upstream's answer goes out as the bytes it came in (nothing is translated).
        const text = rawJsonOf(result) ?? JSON.stringify(result);
        a.res.writeHead(200, {
          ...routeHeaders,
          "content-type": "application/json; charset=utf-8",
          "content-length": typeof text === "string" ? Buffer.byteLength(text) : text.length,
        });
        a.res.end(text);
        return;
      }
      sig.arm(server.firstByteTimeout, "first_byte");
      const stream = (await call(t.adapter, a.kind, true, a.body, ctx)) as AsyncIterable<StreamChunk>;
      const it = stream[Symbol.asyncIterator]();
      // Reading the first event before answering keeps failover possible if the upstream dies at once.
      const head = await it.next().catch((e: unknown) => {
        // Nothing has reached the client yet, so a stream that dies now can still fail over.
        throw e instanceof UpstreamError && !e.retryable ? new UpstreamError(e.status, e.body, true) : e;
      });
      upstreamAnswered();
      verdict = "ok";
      status = 200;
      const ttft = deps.now() - started;
      t.latency.observe(ttft);
      metrics.ttft.observe({ target: t.name }, ttft / 1000);
      a.outcome.status = 200;
      await pipeStream(deps, a, it, head, sig, server.firstByteTimeout, routeHeaders);
      return;
    } catch (raw) {
      const err = classify(raw, t.name);
      if (err instanceof ClientClosedError) {
        a.outcome.status = CLIENT_CLOSED;
        if (verdict === "none") t.breaker.release();
        return;
      }
      if (verdict === "ok") {
        // Failed after the client got bytes (mid-stream): pipeStream already told the client.
        verdict = "fail";
        a.outcome.status = err.status;
        return;
      }
      upstreamAnswered();
      status = err.status;
      lastError = err;
      // An upstream 4xx (other than 408/429) is the request's fault, and the target is healthy.
      verdict = err.retryable && err.status !== 429 ? "fail" : "ok";
      failures.push(`${t.name}: ${err.status} ${err.message}`);
      if (!err.retryable) {
        a.outcome.status = err.status;
        sendJson(a.res, err.status, err.body, routeHeaders);
        return;
      }
      metrics.retries.inc({ target: t.name });
      logger.warn(
        { target: t.name, status: err.status, requestId: a.outcome.requestId },
        "upstream failed; failing over",
      );
    } finally {
      sig.dispose();
      t.release();
      if (verdict === "ok") t.breaker.onSuccess();
      else if (verdict === "fail") t.breaker.onFailure();
      if (t.kind === "external")
        metrics.externalRequests.inc({
          provider: t.name,
          model: cand.upstreamModel,
          status: String(status || 0),
        });
    }
  }

  // Nothing answered. Refusals by the guard win (403 etc.); otherwise a 502/503, never an empty 200.
  if (attempted === 0 && lastError instanceof HttpError) {
    a.outcome.status = lastError.status;
    throw lastError;
  }
  const detail = failures.join("; ") || "no target accepted the request";
  if (
    lastError instanceof UpstreamError &&
    lastError.status === 429 &&
    failures.every((f) => f.includes(": 429 "))
  ) {
    a.outcome.status = 429;
    throw new HttpError(429, `All targets are rate limited: ${detail}`, {
      code: "rate_limit_exceeded",
      headers: lastError.retryAfter !== undefined ? { "retry-after": String(lastError.retryAfter) } : {},
    });
  }
  const status = attempted === 0 ? 503 : 502;
  a.outcome.status = status;
  if (a.outcome.candidate) {
    a.res.setHeader("x-router-target", a.outcome.candidate.target.name);
    a.res.setHeader("x-router-reason", "all_targets_failed");
  }
  a.res.setHeader("x-router-overhead-ms", overheadMs(a));
  throw new HttpError(status, `All targets failed: ${detail}`, {
    code: attempted === 0 ? "no_available_target" : "upstream_error",
  });
}
