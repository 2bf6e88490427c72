import { type ChatCompletionRequest, chatCompletionRequest } from "@llm/contracts";
import { startFakeAnthropic, startFakeOpenAI } from "@llm/testing";
import { createAnthropicAdapter } from "../../../src/providers/anthropic/index.js";
import { createOpenAIAdapter } from "../../../src/providers/openai/index.js";

const ctx = () => ({ signal: new AbortController().signal, upstreamModel: "claude-haiku-4-5" });
const ephemeral = { type: "ephemeral" as const };

/**
 * Anthropic prompt caching: `cache_control` on system/message text parts and on tools passes
 * through to the Messages API (the breakpoints a client set), as LiteLLM and OpenRouter accept it.
 */
describe("Anthropic cache_control pass-through", () => {
  const raw = {
    model: "smart",
    max_tokens: 50,
    messages: [
      { role: "system", content: [{ type: "text", text: "Long policy text", cache_control: ephemeral }] },
      {
        role: "user",
        content: [
          { type: "text", text: "history", cache_control: { type: "ephemeral", ttl: "1h" } },
          { type: "text", text: "question" },
        ],
      },
    ],
    tools: [
      {
        type: "function",
        function: { name: "lookup", parameters: { type: "object", properties: {} } },
        cache_control: ephemeral,
      },
    ],
  };

  it("is accepted by the request schema (it was a 400 on text parts and silently dropped on tools)", () => {
    const parsed = chatCompletionRequest.parse(raw) as ChatCompletionRequest & { tools: unknown[] };
    expect((parsed.tools[0] as { cache_control?: unknown }).cache_control).toEqual(ephemeral);
  });

  it("sends every breakpoint where the client set it; system becomes blocks only when one has one", async () => {
    const fake = await startFakeAnthropic();
    const a = createAnthropicAdapter({ apiKey: "k", baseURL: fake.url });
    try {
      await a.chat(chatCompletionRequest.parse(raw) as ChatCompletionRequest, ctx());
      const body = fake.received[0]!.body as Record<string, unknown>;
      expect(body.system).toEqual([{ type: "text", text: "Long policy text", cache_control: ephemeral }]);
      expect(body.messages).toEqual([
        {
          role: "user",
          content: [
            { type: "text", text: "history", cache_control: { type: "ephemeral", ttl: "1h" } },
            { type: "text", text: "question" },
          ],
        },
      ]);
      expect(body.tools).toEqual([
        { name: "lookup", input_schema: { type: "object", properties: {} }, cache_control: ephemeral },
      ]);
      // Without any breakpoint the system prompt stays a plain string, as before.
      await a.chat(
        {
          model: "smart",
          max_tokens: 5,
          messages: [
            { role: "system", content: "s" },
            { role: "user", content: "u" },
          ],
        },
        ctx(),
      );
      expect((fake.received[1]!.body as Record<string, unknown>).system).toBe("s");
    } finally {
      await a.close?.();
      await fake.close();
    }
  });
});

describe("Google's extra_content toward OpenAI-compatible targets", () => {
  const body = () =>
    chatCompletionRequest.parse({
      model: "m",
      messages: [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "c1",
              type: "function",
              function: { name: "t", arguments: "{}" },
              extra_content: { google: { thought_signature: "sig" } },
            },
          ],
        },
        { role: "tool", tool_call_id: "c1", content: "ok" },
      ],
    }) as ChatCompletionRequest;

  it("is dropped for OpenAI and other compatible servers", async () => {
    const fake = await startFakeOpenAI({ name: "oai", prefix: "/v1" });
    const a = createOpenAIAdapter({ apiKey: "k", baseURL: `${fake.url}/v1` });
    try {
      await a.chat(body(), { signal: new AbortController().signal, upstreamModel: "gpt-4o-mini" });
      expect(JSON.stringify(fake.received[0]!.body)).not.toContain("extra_content");
      expect((fake.received[0]!.body.messages as { tool_calls?: unknown[] }[])[1]?.tool_calls).toEqual([
        { id: "c1", type: "function", function: { name: "t", arguments: "{}" } },
      ]);
    } finally {
      await a.close?.();
      await fake.close();
    }
  });
});

describe("cache_control toward OpenAI targets", () => {
  it("is dropped before the request leaves (not an OpenAI field)", async () => {
    const fake = await startFakeOpenAI({ name: "oai", prefix: "/v1" });
    const a = createOpenAIAdapter({ apiKey: "k", baseURL: `${fake.url}/v1` });
    try {
      await a.chat(
        chatCompletionRequest.parse({
          model: "m",
          messages: [{ role: "user", content: [{ type: "text", text: "hi", cache_control: ephemeral }] }],
          tools: [{ type: "function", function: { name: "t" }, cache_control: ephemeral }],
        }) as ChatCompletionRequest,
        { signal: new AbortController().signal, upstreamModel: "gpt-4o-mini" },
      );
      expect(JSON.stringify(fake.received[0]!.body)).not.toContain("cache_control");
      expect(fake.received[0]!.body.messages).toEqual([
        { role: "user", content: [{ type: "text", text: "hi" }] },
      ]);
    } finally {
      await a.close?.();
      await fake.close();
    }
  });
});
