import Anthropic from "@anthropic-ai/sdk";
import { createVerifier } from "@llm/contracts";
import { type FakeServer, sendJson, startFake, startFakeAnthropic, startFakeOpenAI } from "@llm/testing";
import { createOpenGuard } from "../../../src/tenants/open-guard.js";
import type { UsageRecord } from "../../../src/usage/types.js";
import { listen } from "../../helpers/router.js";

const SECRET = "cluster-secret-0123456789";
const TOOL = { name: "get_weather", input_schema: { type: "object" as const, properties: {} } };

/** `/v1/messages/count_tokens` counts where the request would be routed, and is never charged. */
describe("POST /v1/messages/count_tokens", () => {
  let runtime: FakeServer;
  let an: FakeServer;
  let oa: FakeServer;
  let router: Awaited<ReturnType<typeof listen>>;
  let client: Anthropic;
  const records: UsageRecord[] = [];
  const verify = createVerifier({ secrets: [SECRET] });
  let signatureOk: boolean[] = [];

  beforeAll(async () => {
    // A runtime's /v1/tokenize (common.md contract: chat body in, {model, prompt_tokens} out).
    runtime = await startFake((req, res) => {
      const v = verify({
        method: req.method,
        path: req.url,
        body: JSON.stringify(req.body),
        headers: req.headers,
      });
      signatureOk.push(v.ok);
      if (req.path !== "/v1/tokenize") return sendJson(res, 404, { error: { message: "no route" } });
      sendJson(res, 200, { model: req.body.model, prompt_tokens: 99 });
    });
    [an, oa] = await Promise.all([startFakeAnthropic({ countTokens: 42 }), startFakeOpenAI()]);
    router = await listen(
      {
        router: { maxRetries: 0 },
        clusters: [
          {
            name: "c",
            endpoint: runtime.url,
            authType: "hmac",
            sharedSecret: SECRET,
            models: ["tiny"],
            capabilities: ["chat", "streaming", "tools"],
          },
        ],
        externalProviders: [
          {
            name: "an",
            type: "claude",
            apiKey: "sk-ant-0000000000",
            baseURL: an.url,
            models: { "claude-x": "claude-haiku-4-5" },
          },
          {
            name: "oa",
            type: "openai",
            apiKey: "sk-oa-000000000000",
            baseURL: `${oa.url}/v1`,
            models: { "gpt-x": "gpt-4o-mini" },
          },
        ],
      },
      { guard: createOpenGuard(), usage: { record: (r) => void records.push(r) } },
    );
    client = new Anthropic({ baseURL: router.url, apiKey: "unused", maxRetries: 0 });
  });
  afterEach(() => {
    runtime.received.length = 0;
    an.received.length = 0;
    signatureOk = [];
  });
  afterAll(async () => {
    await router.close();
    await Promise.all([runtime.close(), an.close(), oa.close()]);
  });

  it("asks a cluster runtime's tokenizer, signed, with the translated chat body", async () => {
    const { data, response } = await client.messages
      .countTokens({
        model: "tiny",
        system: "Be brief.",
        tools: [TOOL],
        messages: [{ role: "user", content: "hi" }],
      })
      .withResponse();
    expect(data).toEqual({ input_tokens: 99 });
    expect(response.headers.get("x-router-token-count-source")).toBe("runtime");
    expect(response.headers.get("x-router-target")).toBe("c");
    expect(signatureOk).toEqual([true]);
    expect(runtime.received[0]!.body).toMatchObject({
      model: "tiny",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hi" },
      ],
      tools: [{ type: "function", function: { name: "get_weather" } }],
    });
    expect(records).toHaveLength(0);
  });

  it("asks Anthropic's count_tokens for an Anthropic target, with the client's body", async () => {
    const { data, response } = await client.messages
      .countTokens({ model: "claude-x", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data).toEqual({ input_tokens: 42 });
    expect(response.headers.get("x-router-token-count-source")).toBe("provider");
    expect(an.received[0]).toMatchObject({
      path: "/v1/messages/count_tokens",
      body: { model: "claude-haiku-4-5", messages: [{ role: "user", content: "hi" }] },
    });
  });

  it("answers the router's estimate, marked as one, for other externals and when a count fails", async () => {
    const { data, response } = await client.messages
      .countTokens({ model: "gpt-x", messages: [{ role: "user", content: "hello there" }] })
      .withResponse();
    expect(data.input_tokens).toBeGreaterThan(0);
    expect(response.headers.get("x-router-token-count-source")).toBe("estimate");

    runtime.failNext = { status: 404, body: { error: { message: "no tokenizer" } } };
    const fallback = await client.messages
      .countTokens({ model: "tiny", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(fallback.response.headers.get("x-router-token-count-source")).toBe("estimate");
    expect(fallback.data.input_tokens).toBeGreaterThan(0);
    expect(records).toHaveLength(0);
  });

  it("refuses a bad body in Anthropic's shape, naming the field", async () => {
    const res = await fetch(`${router.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "tiny", messages: [{ role: "robot", content: "hi" }] }),
    });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(json).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(json.error.message).toContain("messages.0.role");
  });
});
