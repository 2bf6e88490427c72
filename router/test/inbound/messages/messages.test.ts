import Anthropic from "@anthropic-ai/sdk";
import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import { config, listenWithAccess } from "../../helpers/router.js";

const KEY = "sk-acme-tenant-key-0123456789";
const LIMITED_KEY = "sk-acme-limited-key-0123456789";
const SLOW_KEY = "sk-acme-one-a-minute-0123456789";
type ApiError = InstanceType<typeof Anthropic.APIError>;
/** The SDK's error for a call that must fail. */
const failure = (p: Promise<unknown>): Promise<ApiError> =>
  p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: ApiError) => e,
  );

const WEATHER = {
  name: "get_weather",
  description: "Weather in a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

/** `/v1/messages` translated to chat completions for an OpenAI-compatible target (the fake). */
describe("POST /v1/messages to a translated target (official Anthropic SDK as the client)", () => {
  let up: FakeOpenAI;
  let running: Awaited<ReturnType<typeof listenWithAccess>>["running"];
  let client: Anthropic;

  beforeAll(async () => {
    up = await startFakeOpenAI({
      toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Oslo"}' }],
    });
    ({ running } = await listenWithAccess(
      config({
        router: { maxRetries: 0 },
        externalProviders: [
          {
            name: "oa",
            type: "openai",
            apiKey: "sk-oa-000000000000",
            baseURL: `${up.url}/v1`,
            // A claude-* name mapped to what this target serves (README: model mapping).
            models: { "claude-sonnet-4-5": "gpt-4o-mini" },
          },
        ],
        tenants: [
          {
            id: "acme",
            keys: [
              { id: "acme-1", key: KEY },
              { id: "acme-2", key: LIMITED_KEY, allowedModels: ["other-model"] },
              { id: "acme-3", key: SLOW_KEY, rateLimit: { requestsPerMinute: 1 } },
            ],
          },
        ],
      }),
    ));
    client = new Anthropic({ baseURL: running.url, apiKey: KEY, maxRetries: 0 });
  });
  afterEach(() => {
    up.received.length = 0;
    up.mode = "ok";
  });
  afterAll(async () => {
    await running.close();
    await up.close();
  });

  const last = () => up.received[up.received.length - 1]!.body;

  it("answers messages.create with a message, translating the request to chat completions", async () => {
    const { data, response } = await client.messages
      .create({
        model: "claude-sonnet-4-5",
        max_tokens: 64,
        system: "Be brief.",
        stop_sequences: ["END"],
        metadata: { user_id: "u-1" },
        messages: [{ role: "user", content: "hi" }],
        // The API still takes temperature; this SDK's types no longer list it.
        ...({ temperature: 0.5 } as object),
      })
      .withResponse();
    expect(data).toMatchObject({
      type: "message",
      role: "assistant",
      content: [{ type: "text", text: "echo: hi" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: {
        input_tokens: 7,
        output_tokens: 3,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    });
    expect(data.id).toMatch(/^msg_/);
    expect(response.headers.get("x-router-target")).toBe("oa");
    expect(last()).toMatchObject({
      model: "gpt-4o-mini",
      max_tokens: 64,
      stop: ["END"],
      temperature: 0.5,
      user: "u-1",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hi" },
      ],
    });
  });

  it("streams with messages.stream() and finalMessage() gives the whole message", async () => {
    const stream = client.messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    });
    const msg = await stream.finalMessage();
    expect(msg.content).toEqual([{ type: "text", text: "echo: hi" }]);
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.usage).toMatchObject({ input_tokens: 7, output_tokens: 3 });
    expect(last()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("writes Anthropic's exact event sequence", async () => {
    const res = await fetch(`${running.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": KEY, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "claude-sonnet-4-5",
        max_tokens: 8,
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await res.text();
    const events = [...text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    expect(events).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(text).not.toContain("[DONE]");
    // Every data line's `type` is its event name, as Anthropic sends them.
    for (const m of text.matchAll(/^event: (\S+)\ndata: (.*)$/gm)) expect(JSON.parse(m[2]!).type).toBe(m[1]);
  });

  it("answers tool_choice any with a tool_use block, plain and streamed", async () => {
    const msg = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 64,
      tools: [WEATHER],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
      messages: [{ role: "user", content: "Weather in Oslo?" }],
    });
    expect(msg.stop_reason).toBe("tool_use");
    expect(msg.content).toEqual([
      { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Oslo" } },
    ]);
    expect(last()).toMatchObject({
      tool_choice: "required",
      parallel_tool_calls: false,
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Weather in a city",
            parameters: WEATHER.input_schema,
          },
        },
      ],
    });

    const streamed = await client.messages
      .stream({
        model: "claude-sonnet-4-5",
        max_tokens: 64,
        tools: [WEATHER],
        tool_choice: { type: "tool", name: "get_weather" },
        messages: [{ role: "user", content: "Weather in Oslo?" }],
      })
      .finalMessage();
    expect(streamed.stop_reason).toBe("tool_use");
    expect(streamed.content).toEqual([
      { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Oslo" } },
    ]);
    expect(last()).toMatchObject({ tool_choice: { type: "function", function: { name: "get_weather" } } });
  });

  it("translates a tool_use / tool_result round trip to tool_calls and a tool message", async () => {
    await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 64,
      tools: [WEATHER],
      tool_choice: { type: "none" },
      messages: [
        { role: "user", content: "Weather in Oslo?" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Let me look." },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Oslo" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "12°C" }] },
            { type: "text", text: "Thanks" },
          ],
        },
      ],
    });
    expect(last().tool_choice).toBe("none");
    expect(last().messages).toEqual([
      { role: "user", content: "Weather in Oslo?" },
      {
        role: "assistant",
        content: "Let me look.",
        tool_calls: [
          {
            id: "toolu_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "12°C" },
      { role: "user", content: "Thanks" },
    ]);
  });

  it("accepts the key as x-api-key and as Authorization: Bearer, and refuses a missing or wrong one in Anthropic's shape", async () => {
    const bearer = new Anthropic({ baseURL: running.url, apiKey: null, authToken: KEY, maxRetries: 0 });
    const msg = await bearer.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 8,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(msg.content[0]).toMatchObject({ type: "text" });

    const missing = await fetch(`${running.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "claude-sonnet-4-5",
        max_tokens: 8,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });

    const none = new Anthropic({ baseURL: running.url, apiKey: "wrong-key", maxRetries: 0 });
    const err = await none.messages
      .create({ model: "claude-sonnet-4-5", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: "error",
      error: { type: "authentication_error" },
    });
  });

  it("answers a tenant's rate limit with 429 rate_limit_error and Retry-After", async () => {
    const slow = new Anthropic({ baseURL: running.url, apiKey: SLOW_KEY, maxRetries: 0 });
    const params = {
      model: "claude-sonnet-4-5",
      max_tokens: 8,
      messages: [{ role: "user" as const, content: "hi" }],
    };
    await slow.messages.create(params);
    const err = await failure(slow.messages.create(params));
    expect(err.status).toBe(429);
    expect(err.error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    expect(err.headers?.get("retry-after")).toBeTruthy();
  });

  it("refuses a model the key may not use with permission_error, on messages and count_tokens", async () => {
    const limited = new Anthropic({ baseURL: running.url, apiKey: LIMITED_KEY, maxRetries: 0 });
    const params = { model: "claude-sonnet-4-5", messages: [{ role: "user" as const, content: "hi" }] };
    for (const call of [
      limited.messages.create({ ...params, max_tokens: 8 }),
      limited.messages.countTokens(params),
    ]) {
      const err = await failure(call);
      expect(err.status).toBe(403);
      expect(err.error).toMatchObject({ type: "error", error: { type: "permission_error" } });
    }
    expect(up.received).toHaveLength(0);
  });

  it.each([
    [
      "max_tokens missing",
      { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }] },
      {},
      "max_tokens",
    ],
    [
      "an unknown field",
      { model: "claude-sonnet-4-5", max_tokens: 8, messages: [{ role: "user", content: "hi" }], n: 2 },
      {},
      "n",
    ],
    ["no messages", { model: "claude-sonnet-4-5", max_tokens: 8, messages: [] }, {}, "messages"],
    [
      "a bad tool_choice",
      {
        model: "claude-sonnet-4-5",
        max_tokens: 8,
        messages: [{ role: "user", content: "hi" }],
        tool_choice: { type: "sometimes" },
      },
      {},
      "tool_choice",
    ],
    [
      "a server tool",
      {
        model: "claude-sonnet-4-5",
        max_tokens: 8,
        messages: [{ role: "user", content: "hi" }],
        tools: [{ type: "web_search_20250305", name: "web_search" }],
      },
      {},
      "tools.0.type",
    ],
    [
      "a document block",
      {
        model: "claude-sonnet-4-5",
        max_tokens: 8,
        messages: [{ role: "user", content: [{ type: "document", source: { type: "text", data: "x" } }] }],
      },
      {},
      "messages.0.content.0",
    ],
    [
      "an unhonourable beta",
      { model: "claude-sonnet-4-5", max_tokens: 8, messages: [{ role: "user", content: "hi" }] },
      { "anthropic-beta": "claude-code-20250219,files-api-2025-04-14" },
      "files-api-2025-04-14",
    ],
    [
      "a temperature above 1",
      {
        model: "claude-sonnet-4-5",
        max_tokens: 8,
        temperature: 1.5,
        messages: [{ role: "user", content: "hi" }],
      },
      {},
      "temperature",
    ],
  ])("refuses %s with a 400 invalid_request_error naming it", async (_what, body, headers, field) => {
    const res = await fetch(`${running.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": KEY, ...headers },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(json.type).toBe("error");
    expect(json.error.type).toBe("invalid_request_error");
    expect(json.error.message).toContain(field);
    expect(up.received).toHaveLength(0);
  });

  it("answers invalid JSON, an unknown model and a failing upstream in Anthropic's shape", async () => {
    const bad = await fetch(`${running.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY },
      body: "{x",
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });

    const unknown = await failure(
      client.messages.create({
        model: "no-such-model",
        max_tokens: 8,
        messages: [{ role: "user", content: "hi" }],
      }),
    );
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.error).toMatchObject({
      type: "error",
      error: { type: expect.any(String), message: expect.any(String) },
    });

    up.mode = "fail500";
    const failed = await failure(
      client.messages.create({
        model: "claude-sonnet-4-5",
        max_tokens: 8,
        messages: [{ role: "user", content: "hi" }],
      }),
    );
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(failed.error).toMatchObject({ type: "error", error: { type: "api_error" } });
  });

  it("ends a stream that fails midway with an `event: error` in Anthropic's shape", async () => {
    const upLong = await startFakeOpenAI({ pieces: ["a", "b", "c"] });
    const { running: r2 } = await listenWithAccess(
      config({
        router: { maxRetries: 0 },
        externalProviders: [
          {
            name: "oa",
            type: "openai",
            apiKey: "sk-oa-000000000000",
            baseURL: `${upLong.url}/v1`,
            models: { m: "gpt-4o-mini" },
          },
        ],
      }),
    );
    try {
      upLong.mode = "die-mid-stream";
      const res = await fetch(`${r2.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "m",
          max_tokens: 8,
          stream: true,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      const text = await res.text();
      expect(text).toContain("event: message_start");
      const m = /event: error\ndata: (.*)\n/.exec(text);
      expect(m).not.toBeNull();
      expect(JSON.parse(m![1]!)).toMatchObject({
        type: "error",
        error: { type: expect.any(String), message: expect.any(String) },
      });
      expect(text).not.toContain("event: message_stop");
    } finally {
      await r2.close();
      await upLong.close();
    }
  });
});
