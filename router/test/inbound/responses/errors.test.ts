import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import OpenAI from "openai";
import { type ErrorJson, listen, post } from "../../helpers/router.js";

const KEY = "sk-tenant-a-0123456789";

/** Refusals name their field in OpenAI's error shape; failures go through the chat path's failover and ledger. */
describe("/v1/responses refusals and failures", () => {
  let bad: FakeOpenAI;
  let good: FakeOpenAI;
  let router: Awaited<ReturnType<typeof listen>>;
  let url: string;

  beforeAll(async () => {
    [bad, good] = await Promise.all([startFakeOpenAI(), startFakeOpenAI({ pieces: ["a", "b", "c"] })]);
    router = await listen({
      router: { routingStrategy: "cost", maxRetries: 2, circuitBreaker: { failureThreshold: 100 } },
      tenants: [{ id: "a", keys: [{ id: "a-1", key: KEY }] }],
      externalProviders: [
        {
          name: "first",
          type: "openai",
          baseURL: bad.baseURL,
          models: ["m"],
          pricing: { m: { input: 0.1, output: 0.1 } },
        },
        {
          name: "second",
          type: "openai",
          baseURL: good.baseURL,
          models: ["m"],
          pricing: { m: { input: 9, output: 9 } },
        },
      ],
    });
    url = `${router.url}/v1/responses`;
  });

  afterAll(async () => {
    await router.close();
    await Promise.all([bad.close(), good.close()]);
  });

  afterEach(() => {
    bad.mode = "ok";
    good.mode = "ok";
  });

  const auth = { authorization: `Bearer ${KEY}` };
  const base = { model: "m", input: "hi" };

  it.each([
    ["a built-in tool", { tools: [{ type: "web_search" }] }, "tools.0.type", /web_search/],
    [
      "file_search",
      { tools: [{ type: "file_search", vector_store_ids: ["vs_1"] }] },
      "tools.0.type",
      /file_search/,
    ],
    ["computer use", { tools: [{ type: "computer_use_preview" }] }, "tools.0.type", /computer_use_preview/],
    [
      "a built-in tool_choice",
      { tool_choice: { type: "web_search_preview" } },
      "tool_choice.type",
      /web_search/,
    ],
    ["background", { background: true }, "background", /background/],
    ["a conversation", { conversation: "conv_1" }, "conversation", /previous_response_id/],
    ["a stored prompt", { prompt: { id: "pmpt_1" } }, "prompt", /prompt/],
    [
      "an item reference",
      { input: [{ type: "item_reference", id: "msg_1" }] },
      "input.0.type",
      /previous_response_id/,
    ],
    [
      "a file input",
      { input: [{ role: "user", content: [{ type: "input_file", file_id: "f" }] }] },
      "input.0.content.0.type",
      /input_file/,
    ],
    [
      "an image by file_id",
      { input: [{ role: "user", content: [{ type: "input_image", file_id: "f", detail: "auto" }] }] },
      "input.0.content.0.file_id",
      /image_url/,
    ],
    ["an unknown field", { frobnicate: 1 }, "frobnicate", /Unrecognized field/],
    ["max_output_tokens 0", { max_output_tokens: 0 }, "max_output_tokens", /max_output_tokens/],
    ["no model", { model: undefined }, "model", /model/],
    ["no input", { input: undefined }, "input", /no input/],
  ])("refuses %s with a 400 naming the field", async (_name, extra, param, message) => {
    const { res, json } = await post<ErrorJson>(url, { ...base, ...extra }, auth);
    expect(res.status).toBe(400);
    expect(json.error).toMatchObject({ type: "invalid_request_error", param });
    expect(json.error.message).toMatch(message);
    expect(bad.received.filter((r) => r.method === "POST")).toHaveLength(0);
  });

  it("answers a missing key and an unknown previous_response_id in OpenAI's shape", async () => {
    const noKey = await post<ErrorJson>(url, base);
    expect(noKey.res.status).toBe(401);
    expect(noKey.json.error).toMatchObject({ type: "authentication_error", code: "missing_api_key" });
    const unknown = await post<ErrorJson>(url, { ...base, previous_response_id: "resp_nope" }, auth);
    expect(unknown.res.status).toBe(404);
    expect(unknown.json.error).toMatchObject({
      param: "previous_response_id",
      code: "previous_response_not_found",
    });
  });

  it("names the request's own input index after a stored conversation", async () => {
    const first = await post<{ id: string }>(url, base, auth);
    const { res, json } = await post<ErrorJson>(
      url,
      {
        model: "m",
        previous_response_id: first.json.id,
        input: [
          {
            role: "system",
            content: [{ type: "input_image", image_url: "https://x/y.png", detail: "auto" }],
          },
        ],
      },
      auth,
    );
    expect(res.status).toBe(400);
    expect(json.error.param).toBe("input.0.content.0.type");
  });

  it("fails over before the first byte, with the x-router-* headers and an endpoint-responses ledger record", async () => {
    bad.mode = "fail500";
    const client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const { data, response } = await client.responses.create({ ...base, stream: false }).withResponse();
    expect(data.output_text).toBe("abc");
    expect(response.headers.get("x-router-target")).toBe("second");
    expect(response.headers.get("x-router-reason")).toBe("failover");
    expect(response.headers.get("x-router-cost-usd")).not.toBeNull();
    const records = router.router.access?.ledger.records() ?? [];
    expect(records.at(-1)).toMatchObject({ endpoint: "responses", target: "second", status: 200 });
  });

  it("ends a stream that fails mid-way with response.failed and an error event", async () => {
    bad.mode = "fail500";
    good.mode = "die-mid-stream";
    // The raw stream: response.failed carries the error, then OpenAI's `error` event.
    const raw = await fetch(url, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ ...base, stream: true }),
    });
    const text = await raw.text();
    const events = [...text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(events).toContain("response.output_text.delta");
    expect(events.slice(-2)).toEqual(["response.failed", "error"]);
    const last = JSON.parse(text.trim().split("\n").at(-1)!.slice("data: ".length));
    expect(last).toMatchObject({ type: "error", code: expect.any(String), message: expect.any(String) });
    expect(last.sequence_number).toBe(events.length - 1);
  });
});

describe("/v1/responses refusals before any parsing", () => {
  let router: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    router = await listen({
      server: { bodyLimit: "1kb" },
      externalProviders: [{ name: "x", type: "openai", baseURL: "http://127.0.0.1:9/v1", models: ["m"] }],
    });
  });
  afterAll(() => router.close());

  it("answers a body over server.bodyLimit and a body that is not JSON in OpenAI's shape", async () => {
    const big = await post<ErrorJson>(`${router.url}/v1/responses`, { model: "m", input: "x".repeat(4096) });
    expect(big.res.status).toBe(413);
    expect(big.json.error).toMatchObject({ type: "invalid_request_error", code: "request_too_large" });
    const junk = await post<ErrorJson>(`${router.url}/v1/responses`, "{not json");
    expect(junk.res.status).toBe(400);
    expect(junk.json.error).toMatchObject({ type: "invalid_request_error", code: "invalid_json" });
  });
});
