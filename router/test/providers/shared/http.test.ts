import { createVerifier, errorBody, signRequest } from "@llm/contracts";
import { MockAgent } from "undici";
import { createHttpClient, type UpstreamErrors } from "../../../src/providers/shared/http.js";
import { type CallContext, UpstreamError } from "../../../src/providers/types.js";

const ORIGIN = "http://upstream.test";

/** An error mapping that records what it was given, so tests see what the layer passed on. */
const recording = () => {
  const seen: { status?: [number, string, Record<string, unknown>]; transport?: unknown } = {};
  const errors: UpstreamErrors = {
    status(status, body, headers) {
      seen.status = [status, body, headers];
      return new UpstreamError(status, errorBody(status, `mapped ${status}`), status >= 500);
    },
    transport(err) {
      seen.transport = err;
      return new UpstreamError(502, errorBody(502, "mapped transport"), true);
    },
    unreadable: () => new UpstreamError(502, errorBody(502, "mapped unreadable"), true),
  };
  return { seen, errors };
};

const ctx = (signal = new AbortController().signal, headers: Record<string, string> = {}): CallContext => ({
  signal,
  upstreamModel: "m",
  headers,
});

describe("the shared HTTP layer", () => {
  let agent: MockAgent;
  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
  });
  afterEach(() => agent.close());

  it("POSTs JSON with the fixed and per-call headers and parses the 2xx reply", async () => {
    let sent: { headers: Record<string, string>; body: string } | undefined;
    agent
      .get(ORIGIN)
      .intercept({ path: "/v1/chat/completions", method: "POST" })
      .reply(200, (opts) => {
        sent = { headers: opts.headers as Record<string, string>, body: String(opts.body) };
        return { ok: true };
      });
    const { errors } = recording();
    const http = createHttpClient({
      baseURL: `${ORIGIN}/v1/`,
      headers: { authorization: "Bearer k" },
      dispatcher: agent,
      errors,
    });
    expect(http.basePath).toBe("/v1");
    const reply = await http.postJson<{ ok: boolean }>(
      "/v1/chat/completions",
      { a: 1 },
      ctx(undefined, { "x-request-id": "r1" }),
      { "x-extra": "e" },
    );
    expect(reply).toEqual({ ok: true });
    expect(sent?.body).toBe('{"a":1}');
    expect(sent?.headers).toMatchObject({
      "content-type": "application/json",
      accept: "application/json",
      authorization: "Bearer k",
      "x-request-id": "r1",
      "x-extra": "e",
    });
  });

  it("signs each request over its method, path and exact body bytes when given a signer (cluster HMAC)", async () => {
    const verify = createVerifier({ secrets: ["the-shared-secret-123"] });
    let verdict: ReturnType<typeof verify> | undefined;
    agent
      .get(ORIGIN)
      .intercept({ path: "/v1/embeddings", method: "POST" })
      .reply(200, (opts) => {
        verdict = verify({
          method: "POST",
          path: "/v1/embeddings",
          body: String(opts.body),
          headers: opts.headers as Record<string, string>,
        });
        return {};
      });
    const http = createHttpClient({
      baseURL: `${ORIGIN}/v1`,
      dispatcher: agent,
      sign: (method, path, body) => signRequest("the-shared-secret-123", { method, path, body }),
      errors: recording().errors,
    });
    await http.postJson("/v1/embeddings", { input: "é" }, ctx());
    expect(verdict?.ok).toBe(true);
  });

  it("hands a non-2xx answer's status, body text and headers to the adapter's mapping", async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: "/x", method: "POST" })
      .reply(429, '{"error":"slow"}', { headers: { "retry-after": "3" } })
      .times(2);
    const { seen, errors } = recording();
    const http = createHttpClient({ baseURL: ORIGIN, dispatcher: agent, errors });
    await expect(http.postJson("/x", {}, ctx())).rejects.toMatchObject({ status: 429 });
    expect(seen.status?.[0]).toBe(429);
    expect(seen.status?.[1]).toBe('{"error":"slow"}');
    expect(seen.status?.[2]["retry-after"]).toBe("3");
    seen.status = undefined;
    await expect(http.postStream("/x", {}, ctx())).rejects.toMatchObject({ status: 429 });
    expect(seen.status?.[2]["retry-after"]).toBe("3");
  });

  it("asks for an event stream and resolves with the unread body only on 2xx", async () => {
    let accept: string | undefined;
    agent
      .get(ORIGIN)
      .intercept({ path: "/s", method: "POST" })
      .reply(200, (opts) => {
        accept = (opts.headers as Record<string, string>).accept;
        return "data: 1\n\n";
      });
    const http = createHttpClient({ baseURL: ORIGIN, dispatcher: agent, errors: recording().errors });
    const res = await http.postStream("/s", {}, ctx());
    expect(accept).toBe("text/event-stream");
    expect(await res.body.text()).toBe("data: 1\n\n");
  });

  it("maps a refused connection through the adapter's transport mapping", async () => {
    agent.get(ORIGIN).intercept({ path: "/x", method: "POST" }).replyWithError(new Error("ECONNREFUSED"));
    const { seen, errors } = recording();
    const http = createHttpClient({ baseURL: ORIGIN, dispatcher: agent, errors });
    await expect(http.postJson("/x", {}, ctx())).rejects.toMatchObject({ message: "mapped transport" });
    expect(seen.transport).toBeDefined();
  });

  it("rethrows the router's abort reason instead of mapping it as an upstream failure", async () => {
    agent.get(ORIGIN).intercept({ path: "/x", method: "POST" }).reply(200, {}).delay(5_000);
    const { seen, errors } = recording();
    const http = createHttpClient({ baseURL: ORIGIN, dispatcher: agent, errors });
    const gone = new Error("client closed the connection");
    const ac = new AbortController();
    setTimeout(() => ac.abort(gone), 20);
    await expect(http.postJson("/x", {}, ctx(ac.signal))).rejects.toBe(gone);
    const ac2 = new AbortController();
    ac2.abort(gone);
    await expect(http.postStream("/x", {}, ctx(ac2.signal))).rejects.toBe(gone);
    expect(seen.transport).toBeUndefined();
  });
});
