import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { listenLoopback } from "../ports.js";

/** What a fake upstream received, so tests can assert the wire translation. */
export interface Received {
  method: string;
  /** Path and query as sent. */
  url: string;
  /** Path without the query. */
  path: string;
  headers: IncomingMessage["headers"];
  /** The JSON body (`{}` when empty). */
  body: Record<string, unknown>;
}

/** A scripted error reply for the next request. */
export interface FakeFailure {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A running fake: every fake in this package (OpenAI, Anthropic, Gemini, custom) has this shape. */
export interface FakeServer {
  /** Origin, `http://127.0.0.1:<port>`. */
  url: string;
  received: Received[];
  /** Replies to the next request with this error instead of the normal answer. */
  failNext?: FakeFailure;
  /** Resolves when a response's socket closed before the response ended (the client went away). */
  aborted: Promise<void>;
  close(): Promise<void>;
}

export type FakeHandler = (req: Received, res: ServerResponse, fake: FakeServer) => void;

/** Reads a request body as text. */
export async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Sends a JSON body with its length. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A loopback HTTP server that tracks its sockets, so it can stop gently or drop everything at once. */
export interface LoopbackServer {
  url: string;
  /** Stops accepting, closes idle connections, lets in-flight responses finish for `graceMs`. */
  close(graceMs?: number): Promise<void>;
  /** Refuses new connections and destroys open ones, mid-response included. */
  kill(): Promise<void>;
}

export async function serveLoopback(
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const server = createServer(onRequest);
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const { url } = await listenLoopback(server);
  let stopped: Promise<void> | undefined;
  const stop = (graceMs: number) => {
    stopped ??= new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (graceMs <= 0) for (const s of sockets) s.destroy();
    else {
      // Keep-alive sockets and streams that never end must not hold the close forever.
      setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, graceMs).unref();
    }
    return stopped;
  };
  return { url, close: (graceMs = 2000) => stop(graceMs), kill: () => stop(0) };
}

/**
 * Starts a loopback fake that records every request (JSON body parsed) and delegates the reply to
 * `handler`, or answers `failNext` once. The base of the Anthropic and Gemini fakes and of tests'
 * one-off upstreams.
 */
export async function startFake(handler: FakeHandler): Promise<FakeServer> {
  let markAborted!: () => void;
  const aborted = new Promise<void>((r) => {
    markAborted = r;
  });
  const fake: FakeServer = { url: "", received: [], aborted, close: () => http.kill() };
  const http = await serveLoopback((req, res) => {
    void readText(req).then((text) => {
      const url = req.url ?? "";
      let body: Record<string, unknown>;
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        return sendJson(res, 400, { error: { message: "body is not JSON", type: "invalid_request_error" } });
      }
      const rec: Received = {
        method: req.method ?? "",
        url,
        path: url.split("?")[0]!,
        headers: req.headers,
        body,
      };
      fake.received.push(rec);
      res.on("close", () => {
        if (!res.writableFinished) markAborted();
      });
      const failure = fake.failNext;
      if (failure) {
        fake.failNext = undefined;
        return sendJson(res, failure.status, failure.body, failure.headers);
      }
      handler(rec, res, fake);
    });
  });
  fake.url = http.url;
  return fake;
}
