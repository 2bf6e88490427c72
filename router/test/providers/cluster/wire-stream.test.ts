import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createOpenAIWireAdapter } from "../../../src/providers/cluster/adapter.js";
import { type ProviderAdapter, UpstreamError } from "../../../src/providers/types.js";

/** An upstream that answers every stream request with `frames`, written one chunk each. */
async function upstream(frames: string[]): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", async () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const f of frames) {
        res.write(f);
        await new Promise((r) => setImmediate(r));
      }
      res.end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const chunk = (content: string) => JSON.stringify({ choices: [{ index: 0, delta: { content } }] });
const req = { model: "tiny", messages: [{ role: "user" as const, content: "hi" }] };
const ctx = () => ({ signal: new AbortController().signal, upstreamModel: "tiny" });

async function read(frames: string[]): Promise<string> {
  const { url, server } = await upstream(frames);
  const adapter: ProviderAdapter = createOpenAIWireAdapter({ baseURL: `${url}/v1`, label: "c" });
  try {
    let text = "";
    for await (const c of await adapter.chatStream(req, ctx())) text += c.choices[0]?.delta.content ?? "";
    return text;
  } finally {
    await adapter.close?.();
    server.close();
  }
}

describe("a cluster runtime's stream through the shared SSE reader", () => {
  it("reads CRLF framing, keep-alive comments and a JSON payload split over data lines and chunks", async () => {
    const [head, tail] = [chunk("hel").slice(0, 10), chunk("hel").slice(10)];
    expect(
      await read([
        ": keep-alive\r\n\r\n",
        `data: ${head}\r\ndata: ${tail}\r\n\r\n`,
        `data: ${chunk("lo")}\r`,
        "\n\r\n",
        "data: [DONE]\r\n\r\n",
      ]),
    ).toBe("hello");
  });

  it("fails, not retryable, on a stream that ends before [DONE] or sends a malformed event", async () => {
    await expect(read([`data: ${chunk("a")}\n\n`])).rejects.toMatchObject({
      status: 502,
      retryable: false,
      message: "upstream c stream ended before [DONE]",
    });
    await expect(read(["data: {not json\n\n"])).rejects.toBeInstanceOf(UpstreamError);
  });
});
