import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What a fake upstream received, so tests can assert the wire translation. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
}

/** A scripted error reply for the next request. */
export interface FakeFailure {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FakeServer {
  url: string;
  received: Received[];
  /** Replies to the next request with this error instead of the normal answer. */
  failNext?: FakeFailure;
  /** Resolves when a streamed response's socket closed before the stream ended. */
  aborted: Promise<void>;
  close(): Promise<void>;
}

type Handler = (req: Received, res: ServerResponse, fake: FakeServer) => void;

/** Starts a loopback HTTP server on an ephemeral port that records requests and delegates replies. */
export async function startFake(handler: Handler): Promise<FakeServer> {
  let markAborted!: () => void;
  const fake: FakeServer = {
    url: "",
    received: [],
    aborted: new Promise<void>((r) => {
      markAborted = r;
    }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const rec: Received = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: text ? JSON.parse(text) : {},
      };
      fake.received.push(rec);
      res.on("close", () => {
        if (!res.writableFinished) markAborted();
      });
      const failure = fake.failNext;
      if (failure) {
        fake.failNext = undefined;
        res.writeHead(failure.status, { "content-type": "application/json", ...failure.headers });
        res.end(typeof failure.body === "string" ? failure.body : JSON.stringify(failure.body));
        return;
      }
      handler(rec, res, fake);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** Writes SSE frames; `event` names are optional (OpenAI and Gemini send data-only frames). */
export function sse(res: ServerResponse, frames: { event?: string; data: unknown }[], end = true): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const f of frames) {
    const data = typeof f.data === "string" ? f.data : JSON.stringify(f.data);
    res.write(`${f.event ? `event: ${f.event}\n` : ""}data: ${data}\n\n`);
  }
  if (end) res.end();
}

/**
 * A fake OpenAI-compatible server: /v1/chat/completions (plain + SSE), /v1/completions, /v1/embeddings.
 * It echoes the last user message so tests see the request arrived intact.
 */
export function startFakeOpenAI(): Promise<FakeServer> {
  return startFake((req, res) => {
    const path = req.url.split("?")[0]!;
    const model = String(req.body.model);
    const json = (v: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(v));
    };
    const usage = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 };
    if (path.endsWith("/chat/completions")) {
      const messages = req.body.messages as { content: string }[];
      const text = `echo: ${messages[messages.length - 1]?.content}`;
      if (req.body.stream) {
        const base = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model };
        sse(res, [
          {
            data: {
              ...base,
              choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
            },
          },
          { data: { ...base, choices: [{ index: 0, delta: { content: text }, finish_reason: null }] } },
          { data: { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] } },
          { data: { ...base, choices: [], usage } },
          { data: "[DONE]" },
        ]);
        return;
      }
      json({
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1,
        model,
        choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
        usage,
      });
    } else if (path.endsWith("/completions")) {
      json({
        id: "cmpl-1",
        object: "text_completion",
        created: 1,
        model,
        choices: [{ index: 0, text: `echo: ${req.body.prompt}`, finish_reason: "stop", logprobs: null }],
        usage,
      });
    } else if (path.endsWith("/embeddings")) {
      const inputs = Array.isArray(req.body.input) ? req.body.input : [req.body.input];
      json({
        object: "list",
        model,
        data: inputs.map((_: unknown, index: number) => ({
          object: "embedding",
          index,
          embedding: [0.1, 0.2],
        })),
        usage: { prompt_tokens: 4, total_tokens: 4 },
      });
    } else {
      res.writeHead(404).end();
    }
  });
}
