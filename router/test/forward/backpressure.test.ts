import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { listen } from "../helpers/router.js";

const CHUNKS = 20_000;
const PIECE = "x".repeat(1024);

/** Opens a raw connection, sends a streamed chat request and stops reading (a stalled client). */
async function pausedStream(routerUrl: string): Promise<Socket> {
  const socket = connect(Number(new URL(routerUrl).port), "127.0.0.1");
  await once(socket, "connect");
  const body = JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "hi" }], stream: true });
  socket.write(
    `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
  socket.pause();
  return socket;
}

/** Resumes reading and returns everything up to `data: [DONE]` (or what came within 10 s). */
async function readToDone(socket: Socket): Promise<string> {
  let received = "";
  socket.setEncoding("utf8");
  socket.on("data", (d: string) => {
    received += d;
  });
  socket.resume();
  for (let i = 0; i < 400 && !received.includes("data: [DONE]"); i++)
    await new Promise((r) => setTimeout(r, 25));
  socket.destroy();
  return received;
}

/** An upstream that streams ~20 MB of SSE as fast as its socket allows, counting what it wrote. */
function bigStreamUpstream(): { server: Server; progress: { written: number; firstFlushedAt?: number } } {
  const progress = { written: 0 } as { written: number; firstFlushedAt?: number };
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", async () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (let i = 0; i < CHUNKS; i++) {
        const chunk = {
          id: "c",
          object: "chat.completion.chunk",
          created: 1,
          model: "tiny",
          choices: [{ index: 0, delta: { content: PIECE }, finish_reason: null }],
        };
        progress.written = i + 1;
        if (!res.write(`data: ${JSON.stringify(chunk)}\n\n`)) await once(res, "drain");
        if (res.destroyed) return;
      }
      res.end("data: [DONE]\n\n");
    });
  });
  return { server, progress };
}

describe("streaming backpressure", () => {
  it("stops pulling from the upstream while the client is not reading, then delivers everything", async () => {
    const { server, progress } = bigStreamUpstream();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const router = await listen({ clusters: [{ name: "u", endpoint: upstream, models: ["tiny"] }] });
    try {
      const socket = await pausedStream(router.url); // a client that does not read

      // Wait for the upstream to start (a loaded machine may take a while), then let the
      // pipeline fill every buffer it has and check the upstream was held back.
      for (let i = 0; i < 400 && progress.written === 0; i++) await new Promise((r) => setTimeout(r, 25));
      let last = -1;
      for (let i = 0; i < 100 && progress.written !== last; i++) {
        last = progress.written;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(progress.written).toBeGreaterThan(0);
      expect(progress.written).toBeLessThan(CHUNKS / 2);

      // Now read it all: every chunk arrives, then [DONE].
      const received = await readToDone(socket);
      expect(progress.written).toBe(CHUNKS);
      expect(received.split(PIECE).length - 1).toBe(CHUNKS);
      expect(received).toContain("data: [DONE]");
    } finally {
      await router.close();
      server.closeAllConnections();
      server.close();
    }
  });
});

describe("stream idle deadline", () => {
  it("does not count a slow client's drain time against the upstream", async () => {
    const { server, progress } = bigStreamUpstream();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const router = await listen({
      server: { firstByteTimeout: "300ms" },
      clusters: [{ name: "u", endpoint: upstream, models: ["tiny"] }],
    });
    try {
      const socket = await pausedStream(router.url);
      // Stall the client for well over the 300 ms idle deadline.
      await new Promise((r) => setTimeout(r, 1000));
      const received = await readToDone(socket);
      expect(received).not.toContain('"error"');
      expect(received).toContain("data: [DONE]");
      expect(progress.written).toBe(CHUNKS);
    } finally {
      await router.close();
      server.closeAllConnections();
      server.close();
    }
  });
});
