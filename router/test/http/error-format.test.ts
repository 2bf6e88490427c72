import type { ServerResponse } from "node:http";
import { HttpError } from "@llm/contracts";
import { FakeUpstream } from "@llm/testing";
import { anthropicErrorType, errorFormatFor } from "../../src/http/error-format.js";
import { sendError } from "../../src/http/errors.js";
import { config, listenWithAccess, post, silent } from "../helpers/router.js";

const KEY = "sk-acme-tenant-key-0123456789";

describe("errorFormatFor", () => {
  it.each([
    ["/v1/messages", "anthropic"],
    ["/v1/messages/count_tokens", "anthropic"],
    ["/v1/messages?beta=true", "anthropic"],
    ["/v1/messagesx", "openai"],
    ["/v1/chat/completions", "openai"],
    ["/v1/responses", "openai"],
    ["/admin/tenants", "openai"],
    [undefined, "openai"],
  ])("answers %s in %s's shape", (path, format) => {
    expect(errorFormatFor(path)).toBe(format);
  });

  it.each([
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [403, "permission_error"],
    [404, "not_found_error"],
    [413, "request_too_large"],
    [422, "invalid_request_error"],
    [429, "rate_limit_error"],
    [500, "api_error"],
    [502, "api_error"],
    [503, "overloaded_error"],
  ])("maps status %d to Anthropic's %s", (status, type) => {
    expect(anthropicErrorType(status)).toBe(type);
  });
});

/** A response stub that records what sendError writes. */
function fakeResponse(url: string) {
  const out = { status: 0, headers: {} as Record<string, unknown>, body: "" };
  const res = {
    req: { url },
    headersSent: false,
    getHeader: (n: string) => out.headers[n],
    setHeader: (n: string, v: unknown) => {
      out.headers[n] = v;
    },
    writeHead: (status: number, h: Record<string, unknown>) => {
      out.status = status;
      Object.assign(out.headers, h);
    },
    end: (text: string) => {
      out.body = text;
    },
  };
  return { res: res as unknown as ServerResponse, out };
}

describe("sendError", () => {
  it("writes auth and rate-limit refusals on /v1/messages in Anthropic's shape, with their headers", () => {
    const auth = fakeResponse("/v1/messages");
    auth.res.setHeader("x-request-id", "req-1");
    sendError(
      auth.res,
      new HttpError(401, "Incorrect API key provided", { code: "invalid_api_key" }),
      silent,
    );
    expect(auth.out.status).toBe(401);
    expect(JSON.parse(auth.out.body)).toEqual({
      type: "error",
      error: { type: "authentication_error", message: "Incorrect API key provided" },
      request_id: "req-1",
    });

    const limited = fakeResponse("/v1/messages?beta=true");
    const err = new HttpError(429, "Rate limit reached", { headers: { "retry-after": "3" } });
    sendError(limited.res, err, silent);
    expect(JSON.parse(limited.out.body).error.type).toBe("rate_limit_error");
    expect(limited.out.headers["retry-after"]).toBe("3");
  });

  it("keeps OpenAI's shape on OpenAI paths", () => {
    const { res, out } = fakeResponse("/v1/chat/completions");
    sendError(res, new HttpError(401, "Incorrect API key provided", { code: "invalid_api_key" }), silent);
    expect(JSON.parse(out.body)).toEqual({
      error: {
        message: "Incorrect API key provided",
        type: "authentication_error",
        param: null,
        code: "invalid_api_key",
      },
    });
  });
});

describe("errors raised before routing, over HTTP", () => {
  let up: FakeUpstream;
  let running: Awaited<ReturnType<typeof listenWithAccess>>["running"];

  beforeAll(async () => {
    up = await new FakeUpstream({ name: "a" }).start();
    ({ running } = await listenWithAccess(
      config({
        server: { bodyLimit: "1kb" },
        clusters: [{ name: "a", endpoint: up.url, models: ["tiny"] }],
        tenants: [{ id: "acme", keys: [{ id: "acme-1", key: KEY }] }],
      }),
    ));
  });
  afterAll(async () => {
    await running.close();
    await up.close();
  });

  const big = { model: "tiny", messages: [{ role: "user", content: "x".repeat(2048) }] };

  it("answers an unknown route under /v1/messages with Anthropic's 404, and others with OpenAI's", async () => {
    // /v1/messages itself is served now (inbound/messages); batches are not.
    const messages = await post<{ type: string; error: { type: string }; request_id: string }>(
      `${running.url}/v1/messages/batches`,
      { model: "tiny", max_tokens: 8, messages: [] },
    );
    expect(messages.res.status).toBe(404);
    expect(messages.json.type).toBe("error");
    expect(messages.json.error.type).toBe("not_found_error");
    expect(messages.json.request_id).toBe(messages.res.headers.get("x-request-id"));

    const other = await post(`${running.url}/v1/nothing`, {});
    expect(other.res.status).toBe(404);
    expect(other.json.error).toMatchObject({ type: "not_found_error", code: null, param: null });
  });

  it("answers an oversized body in the shape of the path it was sent to", async () => {
    const messages = await post<{ type: string; error: { type: string } }>(`${running.url}/v1/messages`, big);
    expect(messages.res.status).toBe(413);
    expect(messages.json).toMatchObject({ type: "error", error: { type: "request_too_large" } });

    const chat = await post(`${running.url}/v1/chat/completions`, big, { authorization: `Bearer ${KEY}` });
    expect(chat.res.status).toBe(413);
    expect(chat.json.error.code).toBe("request_too_large");
    expect(up.count).toBe(0);
  });

  it("answers a missing key on an OpenAI path in OpenAI's shape", async () => {
    const { res, json } = await post(`${running.url}/v1/chat/completions`, { model: "tiny", messages: [] });
    expect(res.status).toBe(401);
    expect(json.error).toMatchObject({ type: "authentication_error", code: "missing_api_key" });
  });
});
