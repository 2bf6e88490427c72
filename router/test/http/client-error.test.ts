import { connect } from "node:net";
import type { RunningRouter } from "../../src/server.js";
import { listen } from "../helpers/router.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Sends raw bytes (requests fetch would refuse to send) and returns the parsed answer. */
function rawRequest(
  url: string,
  text: string,
): Promise<{ status: number; headers: Map<string, string>; body: string }> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(port), hostname, () => s.write(text));
    let out = "";
    s.setEncoding("utf8");
    s.on("data", (d: string) => {
      out += d;
    });
    s.on("error", reject);
    s.on("end", () => {
      const [head = "", body = ""] = out.split("\r\n\r\n");
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers = new Map(
        lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body });
    });
    setTimeout(() => s.end(), 1000).unref();
  });
}

describe("errors raised before routing carry x-request-id", () => {
  let running: RunningRouter;
  beforeAll(async () => {
    running = await listen({ clusters: [{ name: "a", endpoint: "http://127.0.0.1:1", models: ["tiny"] }] });
    // startRouter (server.ts) wires clientErrorListener: node's default answers a bare 400.
  });
  afterAll(async () => {
    await running.close();
  });

  it("on requests node cannot parse: OpenAI's error body and a generated id", async () => {
    const res = await rawRequest(
      running.url,
      "GET /v1/models HTTP/1.1\r\nHost: x\r\nbad header line\r\n\r\n",
    );
    expect(res.status).toBe(400);
    expect(res.headers.get("x-request-id")).toMatch(UUID);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(JSON.parse(res.body)).toMatchObject({
      error: { type: "invalid_request_error", code: "bad_http_request" },
    });
    const big = await rawRequest(
      running.url,
      `GET / HTTP/1.1\r\nHost: x\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expect(big.status).toBe(431);
    expect(big.headers.get("x-request-id")).toMatch(UUID);
  });

  it("on refusals before any handler: bad path encoding, body limit, bad JSON, unknown routes", async () => {
    const cases: [string, number][] = [
      ["GET /v1/models/%E0%A4%A HTTP/1.1\r\nHost: x\r\nx-request-id: r-1\r\n\r\n", 400],
      [
        "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nx-request-id: r-1\r\ncontent-type: application/json\r\ncontent-length: 99999999999\r\n\r\n",
        413,
      ],
      [
        "POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: x\r\nx-request-id: r-1\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{x",
        400,
      ],
      [
        "POST /v1/messages HTTP/1.1\r\nHost: x\r\nx-request-id: r-1\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{x",
        400,
      ],
      ["DELETE /v1/chat/completions HTTP/1.1\r\nHost: x\r\nx-request-id: r-1\r\n\r\n", 404],
    ];
    for (const [text, status] of cases) {
      const res = await rawRequest(
        running.url,
        text.replace("Host: x\r\n", "Host: x\r\nconnection: close\r\n"),
      );
      expect([text.split("\r\n")[0], res.status]).toEqual([text.split("\r\n")[0], status]);
      expect(res.headers.get("x-request-id")).toBe("r-1");
    }
  });
});
