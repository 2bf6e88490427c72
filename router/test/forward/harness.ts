import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type ChatCompletionRequest, HttpError } from "@llm/contracts";
import pino from "pino";
import { Registry } from "prom-client";
import { parseConfig } from "../../src/config/load.js";
import type { RouterConfig } from "../../src/config/schema.js";
import type { ForwardDeps, Generation } from "../../src/forward/context.js";
import { tryCandidates } from "../../src/forward/try-candidates.js";
import type { AttemptInput } from "../../src/forward/types.js";
import { sendJson } from "../../src/http/send.js";
import { createRouterMetrics } from "../../src/metrics/metrics.js";
import { createPriceTable } from "../../src/pricing/table.js";
import type { CallContext, ProviderAdapter } from "../../src/providers/types.js";
import { chatProfile } from "../../src/routing/profile.js";
import type { Candidate } from "../../src/routing/strategies.js";
import { Target } from "../../src/targets/target.js";
import type { AccessGuard } from "../../src/tenants/types.js";

/**
 * Drives the candidate loop (and through it one attempt per target) in-process: scripted
 * adapters stand in for upstreams, a plain node server stands in for the router's listener,
 * so each failover decision is tested without the rest of the router.
 */

export const chat: ChatCompletionRequest = { model: "tiny", messages: [{ role: "user", content: "hi" }] };

export const chunk = (content: string) => ({
  id: "c",
  object: "chat.completion.chunk" as const,
  created: 1,
  model: "tiny",
  choices: [{ index: 0, delta: { content }, finish_reason: null, logprobs: null }],
});

export const completion = (content: string) => ({
  id: "c",
  object: "chat.completion" as const,
  created: 1,
  model: "tiny",
  choices: [
    {
      index: 0,
      message: { role: "assistant" as const, content },
      finish_reason: "stop" as const,
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
});

/** An adapter whose chat answers come from `script` (non-streamed and streamed alike). */
export function scripted(script: {
  chat?: (ctx: CallContext) => Promise<unknown>;
  stream?: (ctx: CallContext) => Promise<AsyncIterable<unknown>>;
}): ProviderAdapter & { calls: number } {
  const adapter = {
    calls: 0,
    chat: (_req: unknown, ctx: CallContext) => {
      adapter.calls++;
      return (script.chat ?? (() => Promise.reject(new Error("no chat script"))))(ctx);
    },
    chatStream: (_req: unknown, ctx: CallContext) => {
      adapter.calls++;
      return (script.stream ?? (() => Promise.reject(new Error("no stream script"))))(ctx);
    },
  };
  return adapter as unknown as ProviderAdapter & { calls: number };
}

/** Resolves when `ctx` is aborted, with the abort reason (what an adapter waiting on a silent upstream sees). */
export const aborted = (ctx: CallContext) =>
  new Promise<never>((_resolve, reject) => {
    if (ctx.signal.aborted) reject(ctx.signal.reason);
    ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
  });

export interface Harness {
  url: string;
  deps: ForwardDeps;
  targets: Target[];
  metrics: () => Promise<string>;
  /** Sends one chat request through the loop; resolves with the response. */
  send(body?: Partial<ChatCompletionRequest>): Promise<Response>;
  close(): Promise<void>;
}

/** A loop over `adapters` (in this order), with `server` deadlines and `extra` ForwardDeps. */
export async function harness(
  adapters: ProviderAdapter[],
  opts: { server?: Record<string, unknown>; deps?: Partial<ForwardDeps>; threshold?: number } = {},
): Promise<Harness> {
  const config: RouterConfig = parseConfig(
    {
      server: opts.server ?? {},
      router: { circuitBreaker: { failureThreshold: opts.threshold ?? 100 } },
      clusters: adapters.map((_, i) => ({ name: `t${i}`, endpoint: "http://127.0.0.1:1", models: ["tiny"] })),
    },
    {},
  );
  const prices = createPriceTable();
  const targets = config.clusters.map(
    (cluster, i) =>
      new Target({ kind: "cluster", cluster }, adapters[i] as ProviderAdapter, config.router, prices),
  );
  const gen = { config, targets: { list: targets } } as unknown as Generation;
  const metrics = createRouterMetrics(new Registry());
  const guard = { authorizeTarget: () => {} } as unknown as AccessGuard;
  const deps: ForwardDeps = {
    current: () => gen,
    guard,
    usage: { record: async () => {} } as unknown as ForwardDeps["usage"],
    metrics,
    logger: pino({ level: "silent" }),
    now: Date.now,
    tracing: false,
    ...opts.deps,
  };
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => {
      raw += c;
    });
    req.on("end", () => {
      const body = { ...chat, ...JSON.parse(raw) } as ChatCompletionRequest;
      const candidates: Candidate[] = targets.map((target) => ({
        target,
        upstreamModel: "tiny",
        costUsd: 0,
        costPer1K: 0,
        marginalPer1K: 0,
        reason: "lowest_cost",
      }));
      const a: AttemptInput = {
        kind: "chat",
        body,
        profile: chatProfile(body, 16),
        candidates,
        res: res as AttemptInput["res"],
        client: res,
        propagate: {},
        outcome: {
          requestId: "r",
          tenant: { tenantId: "t", keyId: "k", isAdmin: false },
          model: "tiny",
          status: 502,
          stream: !!body.stream,
          startedAt: Date.now(),
        },
        arrivedAt: performance.now(),
        upstreamMs: 0,
      };
      tryCandidates(deps, gen, a).catch((err: unknown) => {
        const e = err instanceof HttpError ? err : new HttpError(500, String(err));
        sendJson(res, e.status, { error: { message: e.message, code: e.code } }, e.headers);
      });
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    deps,
    targets,
    metrics: () => metrics.registry.metrics(),
    send: (body = {}) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Consecutive failures a target's breaker has counted (0 after any success). */
export const failuresOf = (t: Target) => (t.breaker as unknown as { failures: number }).failures;
