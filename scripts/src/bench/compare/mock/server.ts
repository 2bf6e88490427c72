import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { errorBody } from "@llm/contracts";
import { z } from "zod";
import { hashSeed, intBetween, type LogNormal, lognormal, mulberry32 } from "./prng.js";

/** Behaviour of one fake OpenAI-compatible endpoint. */
export interface FakeOpenAIOptions {
  /** Name mixed into the seed so two fakes with one seed still differ. */
  name: string;
  /** Model id reported in responses and `/v1/models`. */
  model: string;
  /** Seed of every random draw. */
  seed: number;
  /** Time to first token (ms). */
  ttftMs: LogNormal;
  /** Time between tokens (ms). */
  perTokenMs: LogNormal;
  /** Fraction of requests failing with 503 before any byte, 0..1. Defaults to 0. */
  errorRate?: number;
  /** Completion length range; capped by max_tokens. Defaults to max_tokens (or 16 without it). */
  outputTokens?: { min: number; max: number };
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Extra Prometheus text appended to `/metrics` (e.g. `llm_runtime_tokens_per_second`). */
  metrics?: () => string;
  /** Multiplies every delay; < 1 compresses time for fast tests. Defaults to 1. */
  timeScale?: number;
  /**
   * Starts ready. When not ready (a runtime still loading, or a scaled-to-zero pool) `/health`
   * answers 503 `{"status":"loading","ready":false}` and chat requests get 503. Defaults to true.
   */
  ready?: boolean;
}

/** A running fake; `close()` stops it, `kill()` drops every connection at once (a dying cluster). */
export interface FakeOpenAI extends AsyncDisposable {
  /** Base URL including `/v1`. */
  readonly baseURL: string;
  /** Origin without path (`http://127.0.0.1:port`), for `/health` and `/metrics`. */
  readonly origin: string;
  /** Chat requests received so far. */
  readonly requests: number;
  /** Completion tokens streamed so far. */
  readonly completionTokens: number;
  /** Requests being served right now. */
  readonly inFlight: number;
  /** Whether /health reports ready. */
  ready: boolean;
  close(): Promise<void>;
  /** Refuses new connections and destroys open ones, mid-stream included. */
  kill(): Promise<void>;
}

/** Fields of a chat request the fake looks at; the rest passes (routers add their own). */
const chatBody = z
  .object({
    model: z.string().min(1),
    messages: z.array(z.object({ content: z.unknown() }).loose()).min(1),
    max_tokens: z.number().int().positive().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullish(),
  })
  .loose();

/** Rough token estimate: 4 characters per token, as OpenAI's rule of thumb. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function contentLength(content: unknown): number {
  if (typeof content === "string") return content.length;
  if (Array.isArray(content)) {
    return content.reduce((n: number, p) => n + (typeof p?.text === "string" ? p.text.length : 0), 0);
  }
  return 0;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Starts a fake OpenAI-wire server on 127.0.0.1 with an ephemeral port. */
export async function startFakeOpenAI(opts: FakeOpenAIOptions): Promise<FakeOpenAI> {
  const scale = opts.timeScale ?? 1;
  const sockets = new Set<Socket>();
  let requests = 0;
  let completionTokens = 0;
  let inFlight = 0;
  let counter = 0;
  let ready = opts.ready ?? true;

  async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw: unknown;
    try {
      raw = await readJson(req);
    } catch {
      return sendJson(res, 400, errorBody(400, "body is not valid JSON", { code: "invalid_json" }));
    }
    const parsed = chatBody.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return sendJson(
        res,
        400,
        errorBody(400, issue?.message ?? "invalid request", { param: issue?.path.join(".") || null }),
      );
    }
    const body = parsed.data;
    requests++;
    // The request id (sent by the bench runner / trace replayer) keys the random stream, so the
    // same request gets the same fate whatever order concurrent requests arrive in.
    const id = String(req.headers["x-bench-request-id"] ?? `n${counter++}`);
    const rand = mulberry32(hashSeed(opts.seed, opts.name, id));
    const ttft = lognormal(rand, opts.ttftMs);
    const fail = rand() < (opts.errorRate ?? 0);
    const cap = body.max_completion_tokens ?? body.max_tokens ?? 16;
    const range = opts.outputTokens ?? { min: cap, max: cap };
    const nTokens = Math.max(1, Math.min(cap, intBetween(rand, range.min, Math.max(range.min, range.max))));
    const gaps = Array.from({ length: nTokens }, () => lognormal(rand, opts.perTokenMs));
    const promptTokens = body.messages.reduce(
      (n, m) => n + estimateTokens("x".repeat(contentLength(m.content))),
      0,
    );
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: nTokens,
      total_tokens: promptTokens + nTokens,
    };
    const created = Math.floor(Date.now() / 1000);
    const cid = `chatcmpl-${opts.name}-${id}`;

    let closed = false;
    res.on("close", () => {
      closed = true;
    });
    await sleep(ttft * scale);
    if (fail) {
      return sendJson(res, 503, errorBody(503, `${opts.name} is overloaded`, { code: "overloaded" }));
    }
    if (!body.stream) {
      await sleep(gaps.reduce((a, b) => a + b, 0) * scale);
      completionTokens += nTokens;
      return sendJson(res, 200, {
        id: cid,
        object: "chat.completion",
        created,
        model: opts.model,
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: Array.from({ length: nTokens }, (_, i) => `t${i} `).join(""),
            },
            finish_reason: nTokens >= cap ? "length" : "stop",
          },
        ],
        usage,
      });
    }
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    const chunk = (delta: object, finish: string | null, extra: object = {}) =>
      `data: ${JSON.stringify({ id: cid, object: "chat.completion.chunk", created, model: opts.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
    res.write(chunk({ role: "assistant", content: "" }, null));
    for (let i = 0; i < nTokens && !closed; i++) {
      if (i > 0) await sleep(gaps[i]! * scale);
      res.write(chunk({ content: `t${i} ` }, null));
      completionTokens++;
    }
    if (closed) return;
    res.write(chunk({}, nTokens >= cap ? "length" : "stop"));
    if (body.stream_options?.include_usage) {
      res.write(
        `data: ${JSON.stringify({ id: cid, object: "chat.completion.chunk", created, model: opts.model, choices: [], usage })}\n\n`,
      );
    }
    res.end("data: [DONE]\n\n");
  }

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/health" || path === "/healthz") {
      return ready
        ? sendJson(res, 200, { status: "ok", ready: true, model: opts.model })
        : sendJson(res, 503, { status: "loading", ready: false, model: opts.model });
    }
    if (path === "/metrics") {
      const text =
        `# TYPE llm_fake_requests_total counter\nllm_fake_requests_total ${requests}\n` +
        `# TYPE llm_runtime_queue_depth gauge\nllm_runtime_queue_depth ${inFlight}\n` +
        (opts.metrics?.() ?? "");
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      return res.end(text);
    }
    if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return sendJson(res, 401, errorBody(401, "invalid API key", { code: "invalid_api_key" }));
    }
    if (path === "/v1/models") {
      return sendJson(res, 200, {
        object: "list",
        data: [{ id: opts.model, object: "model", created: 0, owned_by: opts.name }],
      });
    }
    if (path === "/v1/chat/completions" && req.method === "POST") {
      if (!ready) {
        req.resume();
        return sendJson(res, 503, errorBody(503, `${opts.name} is not ready`, { code: "not_ready" }));
      }
      inFlight++;
      chat(req, res)
        .catch((err) => {
          if (!res.headersSent) sendJson(res, 500, errorBody(500, String(err)));
          else res.destroy();
        })
        .finally(() => {
          inFlight--;
        });
      return;
    }
    sendJson(res, 404, errorBody(404, `no route ${req.method} ${path}`));
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  let stopped: Promise<void> | undefined;
  const stop = (force: boolean) => {
    stopped ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      if (force) for (const s of sockets) s.destroy();
      else server.closeIdleConnections();
    });
    if (!force) {
      // Let in-flight streams finish but don't wait forever on keep-alive sockets.
      setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, 2000).unref();
    }
    return stopped;
  };
  return {
    baseURL: `${origin}/v1`,
    origin,
    get requests() {
      return requests;
    },
    get completionTokens() {
      return completionTokens;
    },
    get inFlight() {
      return inFlight;
    },
    get ready() {
      return ready;
    },
    set ready(value: boolean) {
      ready = value;
    },
    close: () => stop(false),
    kill: () => stop(true),
    [Symbol.asyncDispose]: () => stop(false),
  };
}
