import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createAnthropicAdapter } from "../../src/providers/anthropic/index.js";
import { createOpenAIWireAdapter } from "../../src/providers/cluster/adapter.js";
import { createGeminiAdapter } from "../../src/providers/gemini/index.js";
import { createOpenAIAdapter } from "../../src/providers/openai/index.js";
import type { ProviderAdapter } from "../../src/providers/types.js";

/**
 * When the router aborts a call (the client went away, or its own deadline fired), every adapter
 * must reject with the abort's reason, so the router can tell a gone client (no breaker trip, no
 * failover) from a failed upstream. Before the shared HTTP layer, the external adapters mapped it
 * to a retryable 502 "upstream unreachable".
 */

class ClientGone extends Error {}

/** An upstream that accepts requests and then says nothing, or streams one event and then nothing. */
async function silentUpstream(): Promise<{ url: string; server: Server }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    if (req.url?.includes("stream") || req.headers.accept === "text/event-stream") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const first = req.url?.includes("streamGenerateContent")
        ? { candidates: [{ content: { parts: [{ text: "a" }] }, index: 0 }] }
        : req.url?.includes("messages")
          ? { type: "message_start", message: { id: "m", usage: { input_tokens: 1 } } }
          : { choices: [{ index: 0, delta: { content: "a" } }] };
      res.write(`data: ${JSON.stringify(first)}\n\n`);
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const req = { model: "m", messages: [{ role: "user" as const, content: "hi" }] };

describe.each([
  ["openai", (url: string) => createOpenAIAdapter({ baseURL: `${url}/v1` })],
  ["anthropic", (url: string) => createAnthropicAdapter({ baseURL: url })],
  ["gemini", (url: string) => createGeminiAdapter({ baseURL: url })],
  ["cluster", (url: string) => createOpenAIWireAdapter({ baseURL: `${url}/v1`, label: "c" })],
])("the %s adapter, aborted by the router", (_name, make) => {
  let up: { url: string; server: Server };
  let adapter: ProviderAdapter;
  beforeAll(async () => {
    up = await silentUpstream();
    adapter = make(up.url);
  });
  afterAll(async () => {
    await adapter.close?.();
    up.server.closeAllConnections();
    up.server.close();
  });

  it("rejects a waiting call with the abort's reason", async () => {
    const ac = new AbortController();
    const gone = new ClientGone("client closed");
    setTimeout(() => ac.abort(gone), 30);
    await expect(adapter.chat(req, { signal: ac.signal, upstreamModel: "m" })).rejects.toBe(gone);
  });

  it("ends a stream being read with the abort's reason", async () => {
    const ac = new AbortController();
    const gone = new ClientGone("client closed");
    const it = (
      await adapter.chatStream({ ...req, stream: true }, { signal: ac.signal, upstreamModel: "m" })
    )[Symbol.asyncIterator]();
    await it.next();
    setTimeout(() => ac.abort(gone), 30);
    await expect(
      (async () => {
        for (;;) if ((await it.next()).done) return;
      })(),
    ).rejects.toBe(gone);
  });
});
