import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { signRequest } from "@llm/contracts";
import { createApp, RuntimeMetrics, RuntimeState } from "../../src/index.js";
import { silentLogger } from "../helpers.js";

/** The app without a model: auth runs before any handler, so it is testable without the engine. */
async function startApp(hmacSecrets: string[]): Promise<{ url: string; server: Server }> {
  const app = createApp({
    state: new RuntimeState("tiny"),
    metrics: new RuntimeMetrics(),
    logger: silentLogger,
    hmacSecrets,
    maxBodyBytes: 64 * 1024,
  });
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

type ErrorJson = { error: { code: string } };

const SECRET = "current-secret";
const OLD = "previous-secret";

describe("cluster HMAC auth", () => {
  let url: string;
  let server: Server;
  beforeAll(async () => ({ url, server } = await startApp([SECRET, OLD])));
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const body = JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "hi" }] });
  const post = (headers: Record<string, string>, sent = body) =>
    fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: sent,
    });

  it("accepts a valid signature over the raw body (then the request reaches the handler)", async () => {
    const res = await post(signRequest(SECRET, { method: "POST", path: "/v1/chat/completions", body }));
    // No model in this app: passing auth means the handler answers "loading".
    expect(res.status).toBe(503);
    expect(((await res.json()) as ErrorJson).error.code).toBe("model_loading");
  });

  it("accepts the previous secret during rotation and signs the query string too", async () => {
    const headers = signRequest(OLD, { method: "GET", path: "/v1/models?verbose=1", body: "" });
    const res = await fetch(`${url}/v1/models?verbose=1`, { headers });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { id: string }[] }).data[0]?.id).toBe("tiny");
  });

  it.each([
    ["missing", () => ({}), body, "signature_missing"],
    [
      "signed with another secret",
      () => signRequest("wrong", { method: "POST", path: "/v1/chat/completions", body }),
      body,
      "signature_bad_signature",
    ],
    [
      "body changed after signing",
      () => signRequest(SECRET, { method: "POST", path: "/v1/chat/completions", body }),
      body.replace("hi", "ho"),
      "signature_bad_signature",
    ],
    [
      "signed for another path",
      () => signRequest(SECRET, { method: "POST", path: "/v1/completions", body }),
      body,
      "signature_bad_signature",
    ],
    [
      "expired",
      () =>
        signRequest(SECRET, { method: "POST", path: "/v1/chat/completions", body }, Date.now() - 3_600_000),
      body,
      "signature_expired",
    ],
    [
      "malformed",
      () => ({ "x-llm-timestamp": "soon", "x-llm-nonce": "n", "x-llm-signature": "abc" }),
      body,
      "signature_malformed",
    ],
  ])("rejects a request %s with 401 in OpenAI's error shape", async (_name, headers, sent, code) => {
    const res = await post(headers() as Record<string, string>, sent);
    expect(res.status).toBe(401);
    const json = await res.json();
    expect(json).toEqual({
      error: { message: expect.any(String), type: "authentication_error", param: null, code },
    });
    expect(JSON.stringify(json)).not.toContain(SECRET);
  });

  it("rejects a replayed request", async () => {
    const headers = signRequest(SECRET, { method: "POST", path: "/v1/chat/completions", body });
    expect((await post(headers)).status).toBe(503);
    const replay = await post(headers);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as ErrorJson).error.code).toBe("signature_replayed");
  });

  it("serves /v1/health and /v1/metrics only to a signed request (the Ingress exposes /v1 alone)", async () => {
    for (const path of ["/v1/health", "/v1/metrics"]) {
      const unsigned = await fetch(`${url}${path}`);
      expect(unsigned.status).toBe(401);
      expect(((await unsigned.json()) as ErrorJson).error.code).toBe("signature_missing");
    }
    const health = await fetch(`${url}/v1/health`, {
      headers: signRequest(SECRET, { method: "GET", path: "/v1/health", body: "" }),
    });
    expect(health.status).toBe(200);
    const plain = (await (await fetch(`${url}/health`)).json()) as Record<string, unknown>;
    const { uptime_seconds: _u1, ...signedBody } = (await health.json()) as Record<string, unknown>;
    const { uptime_seconds: _u2, ...plainBody } = plain;
    expect(signedBody).toEqual(plainBody);
    expect(signedBody).toMatchObject({ status: "ok", ready: false, model: "tiny" });

    const metrics = await fetch(`${url}/v1/metrics`, {
      headers: signRequest(OLD, { method: "GET", path: "/v1/metrics", body: "" }),
    });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    expect(await metrics.text()).toContain('llm_runtime_requests_total{endpoint="health",status="200"}');
  });

  it("leaves probes and metrics unauthenticated", async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/ready`)).status).toBe(503);
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("llm_runtime_requests_total");
  });
});

describe("auth off (no secret)", () => {
  it("serves unsigned requests", async () => {
    const { url, server } = await startApp([]);
    try {
      expect((await fetch(`${url}/v1/models`)).status).toBe(200);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
