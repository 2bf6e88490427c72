import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createVerifier } from "@llm/contracts";

export type FakeMode =
  | "ok"
  | "fail500"
  | "fail429"
  | "fail400"
  | "hang"
  | "die-mid-stream"
  | "die-before-first";

export interface FakeUpstreamOptions {
  /** Name echoed in replies (`hello from <name>`). */
  name: string;
  /** Require an HMAC signature with this secret (401 otherwise). */
  hmacSecret?: string;
  /** Path prefix of the OpenAI API. Defaults to /v1. */
  prefix?: string;
  /** Required bearer token, for external-provider fakes. */
  bearer?: string;
  /** /health body; defaults to `{status:"ok", ready:true, queueDepth:0}`. */
  health?: () => { status: number; body: unknown };
  /** /metrics text. */
  metrics?: () => string;
  /** Stream chunks to send (content pieces). Defaults to ["hello ", "from ", name]. */
  pieces?: string[];
}

export interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
}

/**
 * A small upstream that speaks OpenAI's wire format (JSON and SSE), for router tests.
 * `mode` switches it between healthy and the faults the router must survive.
 */
export class FakeUpstream {
  mode: FakeMode = "ok";
  /** Delay before answering, ms. */
  delayMs = 0;
  readonly received: Received[] = [];
  /** Upstream requests whose client (the router) went away before the end. */
  aborted = 0;
  url = "";
  private server?: Server;
  private readonly verify?: ReturnType<typeof createVerifier>;
  private readonly hanging = new Set<ServerResponse>();

  constructor(readonly opts: FakeUpstreamOptions) {
    if (opts.hmacSecret) this.verify = createVerifier({ secrets: [opts.hmacSecret] });
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get count(): number {
    return this.received.length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const path = req.url ?? "/";
    if (req.method === "GET" && path === "/health") {
      const h = this.opts.health?.() ?? { status: 200, body: { status: "ok", ready: true, queueDepth: 0 } };
      return json(res, h.status, h.body);
    }
    if (req.method === "GET" && path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(this.opts.metrics?.() ?? "");
      return;
    }
    if (this.verify) {
      const v = this.verify({ method: req.method ?? "", path, body: raw, headers: req.headers });
      if (!v.ok) return json(res, 401, errorBody(`bad signature: ${v.reason}`, "authentication_error"));
    }
    if (this.opts.bearer && req.headers.authorization !== `Bearer ${this.opts.bearer}`)
      return json(res, 401, errorBody("bad key", "authentication_error"));
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    this.received.push({ path, headers: req.headers, body });
    res.on("close", () => {
      if (!res.writableFinished) this.aborted++;
    });
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    switch (this.mode) {
      case "fail500":
        return json(res, 500, errorBody("boom", "server_error"));
      case "fail429":
        res.setHeader("retry-after", "7");
        return json(res, 429, errorBody("slow down", "rate_limit_error"));
      case "fail400":
        return json(res, 400, errorBody("bad temperature", "invalid_request_error", "temperature"));
      case "hang":
        this.hanging.add(res);
        return;
      case "die-before-first":
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.flushHeaders();
        setTimeout(() => res.destroy(), 5);
        return;
    }
    const prefix = this.opts.prefix ?? "/v1";
    const model = String(body.model);
    const name = this.opts.name;
    if (path === `${prefix}/embeddings`) {
      return json(res, 200, {
        object: "list",
        data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2, 0.3] }],
        model,
        usage: { prompt_tokens: 3, total_tokens: 3 },
      });
    }
    const chat = path === `${prefix}/chat/completions`;
    if (!chat && path !== `${prefix}/completions`)
      return json(res, 404, errorBody("no route", "not_found_error"));
    const pieces = this.opts.pieces ?? ["hello ", "from ", name];
    const usage = { prompt_tokens: 11, completion_tokens: pieces.length, total_tokens: 11 + pieces.length };
    if (!body.stream) {
      const text = pieces.join("");
      return json(
        res,
        200,
        chat
          ? {
              id: "chatcmpl-1",
              object: "chat.completion",
              created: 1,
              model,
              choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
              usage,
            }
          : {
              id: "cmpl-1",
              object: "text_completion",
              created: 1,
              model,
              choices: [{ index: 0, text, finish_reason: "stop", logprobs: null }],
              usage,
            },
      );
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
    for (const [i, piece] of pieces.entries()) {
      if (this.mode === "die-mid-stream" && i === 1) {
        res.destroy();
        return;
      }
      send(
        chat
          ? {
              id: "chatcmpl-1",
              object: "chat.completion.chunk",
              created: 1,
              model,
              choices: [
                {
                  index: 0,
                  delta: i === 0 ? { role: "assistant", content: piece } : { content: piece },
                  finish_reason: null,
                },
              ],
            }
          : {
              id: "cmpl-1",
              object: "text_completion",
              created: 1,
              model,
              choices: [{ index: 0, text: piece, finish_reason: null, logprobs: null }],
            },
      );
      await new Promise((r) => setImmediate(r));
    }
    const opts = body.stream_options as { include_usage?: boolean } | undefined;
    if (opts?.include_usage)
      send({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model, choices: [], usage });
    res.write("data: [DONE]\n\n");
    res.end();
  }

  async close(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function errorBody(message: string, type: string, param: string | null = null) {
  return { error: { message, type, param, code: null } };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
