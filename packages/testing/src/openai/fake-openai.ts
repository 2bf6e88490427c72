/**
 * The one fake OpenAI-compatible server: /v1/chat/completions and /v1/completions (JSON and SSE),
 * /v1/embeddings, /v1/models, /health, /metrics. Options choose what it answers (see replies.ts),
 * how it authenticates (bearer or the cluster HMAC), and which faults it plays; router tests,
 * runtime-shaped targets and the bench's seeded mock targets are all this server.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { createVerifier, errorBody } from "@llm/contracts";
import { type FakeFailure, type Received, readText, sendJson, serveLoopback } from "../http/fake-server.js";
import { type GenerationContext, generate } from "./generation.js";
import type { FakeOpenAI, FakeOpenAIOptions } from "./options.js";
import { echoReply, piecesReply, type SeededModel, seededReply } from "./replies.js";
import { answerResponses } from "./responses.js";

export type { FakeMode, FakeOpenAI, FakeOpenAIOptions, FakeToolCall } from "./options.js";

type Route = "chat" | "completion" | "embeddings" | "models" | "responses" | undefined;

function routeOf(path: string, prefix: string | undefined): Route {
  const is = (tail: string) => (prefix === undefined ? path.endsWith(tail) : path === `${prefix}${tail}`);
  if (is("/chat/completions")) return "chat";
  if (is("/completions")) return "completion";
  if (is("/embeddings")) return "embeddings";
  if (is("/models")) return "models";
  if (is("/responses")) return "responses";
  return undefined;
}

/** Starts a fake OpenAI-wire server on 127.0.0.1 with an ephemeral port. */
export async function startFakeOpenAI(opts: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const name = opts.name ?? "fake";
  const seeded: SeededModel | undefined =
    opts.seed === undefined
      ? undefined
      : {
          name,
          seed: opts.seed,
          ttftMs: opts.ttftMs ?? { median: 1, p95: 1 },
          perTokenMs: opts.perTokenMs ?? { median: 1, p95: 1 },
          errorRate: opts.errorRate,
          outputTokens: opts.outputTokens,
        };
  const loadMetrics = opts.loadMetrics ?? seeded !== undefined;
  const verify = opts.hmacSecret ? createVerifier({ secrets: [opts.hmacSecret] }) : undefined;
  const hanging = new Set<ServerResponse>();
  let counter = 0;
  let requests = 0;
  let completionTokens = 0;
  let inFlight = 0;
  let abortedCount = 0;
  let markAborted!: () => void;

  const ctx: GenerationContext = {
    name,
    model: opts.model,
    roleChunk: opts.roleChunk ?? "separate",
    toolCalls: opts.toolCalls,
    reasoning: opts.reasoning,
    scale: opts.timeScale ?? 1,
    reply: (input) =>
      seeded ? seededReply(input, seeded) : opts.pieces ? piecesReply(input, opts.pieces) : echoReply(input),
    mode: () => fake.mode,
    nextId: () => `n${counter++}`,
    counted: () => {
      requests++;
    },
    answered: (tokens) => {
      completionTokens += tokens;
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    const path = url.split("?")[0]!;
    if (req.method === "GET" && (path === "/health" || path === "/healthz")) {
      const h =
        opts.health?.() ??
        (fake.ready
          ? {
              status: 200,
              body: { status: "ok", ready: true, queueDepth: inFlight, model: opts.model ?? name },
            }
          : { status: 503, body: { status: "loading", ready: false, model: opts.model ?? name } });
      return sendJson(res, h.status, h.body);
    }
    if (req.method === "GET" && path === "/metrics") {
      const load = loadMetrics
        ? `# TYPE llm_fake_requests_total counter\nllm_fake_requests_total ${requests}\n` +
          `# TYPE llm_runtime_queue_depth gauge\nllm_runtime_queue_depth ${inFlight}\n`
        : "";
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(load + (opts.metrics?.() ?? ""));
      return;
    }
    const raw = await readText(req);
    if (verify) {
      const v = verify({ method: req.method ?? "", path: url, body: raw, headers: req.headers });
      if (!v.ok) return sendJson(res, 401, errorBody(401, `bad signature: ${v.reason}`));
    }
    if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return sendJson(res, 401, errorBody(401, "invalid API key", { code: "invalid_api_key" }));
    }
    const route = routeOf(path, opts.prefix);
    if (route === "models" && req.method === "GET") {
      const id = opts.model ?? name;
      return sendJson(res, 200, {
        object: "list",
        data: [{ id, object: "model", created: 0, owned_by: name }],
      });
    }
    if ((route === "chat" || route === "completion") && !fake.ready) {
      return sendJson(res, 503, errorBody(503, `${name} is not ready`, { code: "not_ready" }));
    }
    let body: Record<string, unknown>;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return sendJson(res, 400, errorBody(400, "body is not valid JSON", { code: "invalid_json" }));
    }
    const rec: Received = { method: req.method ?? "", url, path, headers: req.headers, body };
    if (opts.record !== false) fake.received.push(rec);
    // A fake is not a runtime: the router's signed health poll of /v1/health|metrics gets the 404
    // an older runtime gives (the poller then uses /health), whatever failNext, mode or delay say.
    if (req.method === "GET" && (path === "/v1/health" || path === "/v1/metrics")) {
      return sendJson(res, 404, errorBody(404, `no route ${path}`, { code: "not_found" }));
    }
    res.on("close", () => {
      if (res.writableFinished) return;
      abortedCount++;
      markAborted();
    });
    const failure: FakeFailure | undefined = fake.failNext;
    if (failure) {
      fake.failNext = undefined;
      return sendJson(res, failure.status, failure.body, failure.headers);
    }
    if (fake.delayMs > 0) await sleep(fake.delayMs);
    switch (fake.mode) {
      case "fail500":
        return sendJson(res, 500, errorBody(500, "boom"));
      case "fail429":
        return sendJson(res, 429, errorBody(429, "slow down"), { "retry-after": "7" });
      case "fail400":
        return sendJson(res, 400, errorBody(400, "bad temperature", { param: "temperature" }));
      case "hang":
        hanging.add(res);
        return;
      case "die-before-first":
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.flushHeaders();
        setTimeout(() => res.destroy(), 5);
        return;
    }
    // The Responses API (responses.ts), for native pass-through tests.
    if (route === "responses") return answerResponses({ model: opts.model, nextId: ctx.nextId }, rec, res);
    if (route === "embeddings") {
      const input = body.input;
      const inputs = Array.isArray(input) ? input : [input];
      return sendJson(res, 200, {
        object: "list",
        data: inputs.map((text, index) => ({
          object: "embedding",
          index,
          embedding: opts.embed ? opts.embed(String(text), String(body.model)) : [0.1, 0.2, 0.3],
        })),
        model: opts.model ?? String(body.model),
        usage: { prompt_tokens: 3 * inputs.length, total_tokens: 3 * inputs.length },
      });
    }
    if (route === "chat" || route === "completion") {
      inFlight++;
      try {
        return await generate(ctx, route, rec, res);
      } finally {
        inFlight--;
      }
    }
    sendJson(res, 404, errorBody(404, `no route ${req.method} ${path}`));
  }

  const http = await serveLoopback((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(500, String(err)));
      else res.destroy();
    });
  });
  const stop = (how: "close" | "kill") => {
    for (const r of hanging) r.destroy();
    return how === "kill" ? http.kill() : http.close();
  };
  const fake: FakeOpenAI = {
    url: http.url,
    origin: http.url,
    baseURL: `${http.url}${opts.prefix ?? "/v1"}`,
    received: [],
    aborted: new Promise<void>((r) => {
      markAborted = r;
    }),
    mode: "ok",
    delayMs: 0,
    ready: opts.ready ?? true,
    get requests() {
      return requests;
    },
    get completionTokens() {
      return completionTokens;
    },
    get inFlight() {
      return inFlight;
    },
    get abortedCount() {
      return abortedCount;
    },
    close: () => stop("close"),
    kill: () => stop("kill"),
    [Symbol.asyncDispose]: () => stop("close"),
  };
  return fake;
}
