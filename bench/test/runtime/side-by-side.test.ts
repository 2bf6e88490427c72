import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseWarmupTokens, warmUp } from "../../src/runtime/side-by-side.js";

/** A /v1/completions server streaming at most `limit` one-token text chunks per request, then usage. */
async function fakeCompletions(
  limit: number,
): Promise<{ url: string; requests: () => number; server: Server }> {
  let requests = 0;
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (d: Buffer) => {
      raw += d.toString();
    });
    req.on("end", () => {
      requests++;
      const body = JSON.parse(raw) as { max_tokens: number };
      const n = Math.min(limit, body.max_tokens);
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (let i = 0; i < n; i++) res.write(`data: ${JSON.stringify({ choices: [{ text: ` t${i}` }] })}\n\n`);
      const usage = { prompt_tokens: 5, completion_tokens: n, total_tokens: 5 + n };
      res.write(`data: ${JSON.stringify({ choices: [], usage })}\n\n`);
      res.end("data: [DONE]\n\n");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests: () => requests, server };
}

describe("bench:runtime warm-up", () => {
  let fake: Awaited<ReturnType<typeof fakeCompletions>> | undefined;
  afterEach(async () => {
    const server = fake?.server;
    if (server) await new Promise((r) => server.close(r));
    fake = undefined;
  });

  it("sends full-length requests until the warm-up token budget is generated", async () => {
    fake = await fakeCompletions(1000);
    // 6 x 16 = 96 < 100, 7 x 16 = 112.
    expect(await warmUp(fake.url, 16, 100)).toBe(7);
    expect(fake.requests()).toBe(7);
  });

  it("always sends at least two requests", async () => {
    fake = await fakeCompletions(1000);
    expect(await warmUp(fake.url, 16, 0)).toBe(2);
    expect(fake.requests()).toBe(2);
  });

  it("stops at a bounded number of requests when a server ends every request early", async () => {
    fake = await fakeCompletions(1);
    // Budget 100 at 16 tokens a request: at most 2 + 2 x 7 requests, not 100.
    expect(await warmUp(fake.url, 16, 100)).toBe(16);
    expect(fake.requests()).toBe(16);
  });
});

describe("bench:runtime --warmup-tokens", () => {
  it("takes whole numbers >= 0 and names the flag otherwise", () => {
    expect(parseWarmupTokens("0")).toBe(0);
    expect(parseWarmupTokens("2048")).toBe(2048);
    for (const bad of ["-1", "1.5", "abc", "", "1e3"])
      expect(() => parseWarmupTokens(bad)).toThrow(
        `--warmup-tokens: expected a whole number >= 0, got "${bad}"`,
      );
  });
});
