import Anthropic from "@anthropic-ai/sdk";
import { type FakeServer, startFakeAnthropic } from "@llm/testing";
import { createOpenGuard } from "../../../src/tenants/open-guard.js";
import type { UsageRecord } from "../../../src/usage/types.js";
import { listen } from "../../helpers/router.js";

/** `/v1/messages` to an Anthropic target: the body goes through as it came, but for the model. */
describe("/v1/messages passed through natively to an Anthropic target", () => {
  let an: FakeServer;
  let router: Awaited<ReturnType<typeof listen>>;
  let client: Anthropic;
  const records: UsageRecord[] = [];

  beforeAll(async () => {
    an = await startFakeAnthropic({ thinking: "Considering.", tool: true });
    router = await listen(
      {
        router: { maxRetries: 0 },
        externalProviders: [
          {
            name: "an",
            type: "claude",
            apiKey: "sk-ant-0000000000",
            baseURL: an.url,
            models: { "claude-house": "claude-haiku-4-5" },
          },
        ],
      },
      { guard: createOpenGuard(), usage: { record: (r) => void records.push(r) } },
    );
    client = new Anthropic({ baseURL: router.url, apiKey: "unused", maxRetries: 0 });
  });
  afterEach(() => {
    an.received.length = 0;
    records.length = 0;
  });
  afterAll(async () => {
    await router.close();
    await an.close();
  });

  const body = {
    model: "claude-house",
    max_tokens: 2048,
    system: [{ type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } }],
    thinking: { type: "enabled", budget_tokens: 1024 },
    tools: [
      {
        name: "get_weather",
        input_schema: { type: "object", properties: { city: { type: "string" } } },
        cache_control: { type: "ephemeral", ttl: "1h" },
      },
    ],
    tool_choice: { type: "auto" },
    top_k: 40,
    metadata: { user_id: "u-7" },
    context_management: { edits: [{ type: "clear_tool_uses_20250919" }] },
    messages: [
      { role: "user", content: [{ type: "text", text: "Weather?", cache_control: { type: "ephemeral" } }] },
    ],
  };

  it("forwards the exact body (model mapped), the betas and version, and relays the answer unchanged", async () => {
    const res = await fetch(`${router.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
        "anthropic-beta": "interleaved-thinking-2025-05-14, context-management-2025-06-27",
      },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-router-target")).toBe("an");
    const sent = an.received[0]!;
    expect(sent.path).toBe("/v1/messages");
    expect(sent.body).toEqual({ ...body, model: "claude-haiku-4-5" });
    expect(sent.headers["anthropic-beta"]).toBe(
      "interleaved-thinking-2025-05-14,context-management-2025-06-27",
    );
    expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
    expect(sent.headers["x-api-key"]).toBe("sk-ant-0000000000");
    // Anthropic's own answer, thinking signature included (a chat round trip would lose it).
    expect(await res.json()).toEqual({
      id: "msg_01",
      type: "message",
      role: "assistant",
      model: "claude-haiku-4-5",
      content: [
        { type: "thinking", thinking: "Considering.", signature: "sig" },
        { type: "text", text: "Hello" },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Oslo" } },
      ],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 5 },
    });
    expect(records[0]).toMatchObject({
      endpoint: "messages",
      target: "an",
      promptTokens: 12,
      completionTokens: 5,
    });
  });

  it("relays the event stream as Anthropic sent it, ping and signature_delta included", async () => {
    const stream = client.messages.stream({
      model: "claude-house",
      max_tokens: 2048,
      thinking: { type: "enabled", budget_tokens: 1024 },
      messages: [{ role: "user", content: "Weather?" }],
    });
    const msg = await stream.finalMessage();
    expect(an.received[0]!.body).toMatchObject({ model: "claude-haiku-4-5", stream: true });
    expect(msg.id).toBe("msg_01");
    expect(msg.content).toEqual([
      { type: "thinking", thinking: "Considering.", signature: "sig" },
      { type: "text", text: "Hello" },
      { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Oslo" } },
    ]);
    expect(msg.usage).toMatchObject({ input_tokens: 12, output_tokens: 5 });
    expect(records[0]).toMatchObject({
      endpoint: "messages",
      stream: true,
      promptTokens: 12,
      completionTokens: 5,
    });
  });

  it("answers an Anthropic refusal in Anthropic's shape with its status", async () => {
    an.failNext = {
      status: 400,
      body: { type: "error", error: { type: "invalid_request_error", message: "max_tokens: too large" } },
    };
    const err = await client.messages
      .create({ model: "claude-house", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })
      .then(
        () => undefined,
        (e: InstanceType<typeof Anthropic.APIError>) => e,
      );
    expect(err?.status).toBe(400);
    expect(err?.error).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(JSON.stringify(err?.error)).toContain("max_tokens: too large");
  });
});
