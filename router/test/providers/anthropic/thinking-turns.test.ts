import type { ChatCompletionChunk, ChatCompletionRequest } from "@llm/contracts";
import { type FakeServer, startFakeAnthropic } from "@llm/testing";
import { createAnthropicAdapter } from "../../../src/providers/anthropic/index.js";
import type { CallContext } from "../../../src/providers/types.js";
import { UpstreamError } from "../../../src/providers/types.js";
import { MemoryKeyValue } from "../../../src/state/memory-key-value.js";

const tools: ChatCompletionRequest["tools"] = [
  { type: "function", function: { name: "get_weather", parameters: { type: "object" } } },
];
const ask = { role: "user" as const, content: "weather in Oslo?" };
const firstTurn: ChatCompletionRequest = { model: "c", tools, reasoning_effort: "low", messages: [ask] };

/** A call context whose state is `store` seen as `tenant`, as the router's attempt builds it. */
function ctxFor(store: MemoryKeyValue, tenant = "acme"): CallContext {
  return {
    signal: new AbortController().signal,
    upstreamModel: "claude-sonnet-4-5",
    state: store.namespace(tenant),
  };
}

/** What an OpenAI client sends next: the answer's text and calls (no thinking blocks), and the result. */
function secondTurn(callId: string): ChatCompletionRequest {
  return {
    ...firstTurn,
    messages: [
      ask,
      {
        role: "assistant",
        content: "Hello",
        tool_calls: [
          { id: callId, type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
        ],
      },
      { role: "tool", tool_call_id: callId, content: "sunny" },
    ],
  };
}

/** The exact body Anthropic must get for the second turn: the signed thinking block back first. */
const expectedSecondTurn = (thinking?: { thinking: string; signature: string }) => ({
  model: "claude-sonnet-4-5",
  max_tokens: 4096 + 1024,
  thinking: { type: "enabled", budget_tokens: 1024 },
  tools: [{ name: "get_weather", input_schema: { type: "object" } }],
  messages: [
    { role: "user", content: [{ type: "text", text: "weather in Oslo?" }] },
    {
      role: "assistant",
      content: [
        ...(thinking ? [{ type: "thinking", ...thinking }] : []),
        { type: "text", text: "Hello" },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Oslo" } },
      ],
    },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "sunny" }] },
  ],
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("Anthropic thinking blocks kept across tool turns", () => {
  let fake: FakeServer;
  afterEach(() => fake?.close());
  const start = () =>
    startFakeAnthropic({
      thinking: "Check the weather tool.",
      tool: true,
      stopReason: "tool_use",
      requireThinkingOnToolUse: true,
    });

  it("puts the answer's signed thinking block back before its tool_use on the next request", async () => {
    fake = await start();
    const a = createAnthropicAdapter({ apiKey: "k", baseURL: fake.url });
    const store = new MemoryKeyValue();
    try {
      const first = await a.chat(firstTurn, ctxFor(store));
      expect(first.choices[0]!.message.reasoning_content).toBe("Check the weather tool.");
      const id = first.choices[0]!.message.tool_calls![0]!.id;
      const next = await a.chat(secondTurn(id), ctxFor(store));
      expect(next.choices[0]!.finish_reason).toBe("tool_calls");
      expect(fake.received[1]!.body).toEqual(
        expectedSecondTurn({ thinking: "Check the weather tool.", signature: "sig" }),
      );
    } finally {
      await a.close?.();
    }
  });

  it("keeps a streamed answer's thinking (thinking_delta text + signature_delta) the same way", async () => {
    fake = await start();
    const a = createAnthropicAdapter({ apiKey: "k", baseURL: fake.url });
    const store = new MemoryKeyValue();
    try {
      const chunks = await collect<ChatCompletionChunk>(await a.chatStream(firstTurn, ctxFor(store)));
      const id = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).find((d) => d.id)!.id!;
      await a.chat(secondTurn(id), ctxFor(store));
      expect(fake.received[1]!.body).toEqual(
        expectedSecondTurn({ thinking: "Check the weather tool.", signature: "sig" }),
      );
    } finally {
      await a.close?.();
    }
  });

  it("never hands one tenant's thinking to another tenant sending the same call id", async () => {
    fake = await start();
    const a = createAnthropicAdapter({ apiKey: "k", baseURL: fake.url });
    const store = new MemoryKeyValue();
    try {
      const first = await a.chat(firstTurn, ctxFor(store, "a"));
      const id = first.choices[0]!.message.tool_calls![0]!.id;
      const err = await a.chat(secondTurn(id), ctxFor(store, "b")).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect((err as UpstreamError).status).toBe(400);
      expect(fake.received[1]!.body).toEqual(expectedSecondTurn());
    } finally {
      await a.close?.();
    }
  });
});

describe("Anthropic native structured output (output_config.format)", () => {
  const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
  const req: ChatCompletionRequest = {
    model: "c",
    messages: [{ role: "user", content: "where?" }],
    max_tokens: 100,
    response_format: { type: "json_schema", json_schema: { name: "place", schema } },
  };
  const ctx = (upstreamModel: string) => ({ signal: new AbortController().signal, upstreamModel });

  it.each([
    ["native", "claude-3-5-haiku-latest", true],
    ["auto", "claude-sonnet-4-5", true],
    ["auto", "claude-opus-4-6", true],
    ["auto", "claude-haiku-4-5-20251001", true],
    ["auto", "claude-sonnet-4-20250514", false],
    ["auto", "claude-opus-4-1", false],
    ["tool", "claude-sonnet-4-5", false],
  ] as const)("structuredOutputs %s on %s sends output_config.format: %s", async (mode, model, native) => {
    const fake = await startFakeAnthropic({ tool: !native, toolName: "place", stopReason: "end_turn" });
    const a = createAnthropicAdapter({ apiKey: "k", baseURL: fake.url, structuredOutputs: mode });
    try {
      const res = await a.chat(req, ctx(model));
      const base = {
        model,
        max_tokens: 100,
        messages: [{ role: "user", content: [{ type: "text", text: "where?" }] }],
      };
      if (native) {
        expect(fake.received[0]!.body).toEqual({
          ...base,
          output_config: { format: { type: "json_schema", schema } },
        });
        // The JSON arrives as text and stays the message content.
        expect(res.choices[0]?.message.content).toBe("Hello");
      } else
        expect(fake.received[0]!.body).toEqual({
          ...base,
          tools: [{ name: "place", input_schema: schema }],
          tool_choice: { type: "tool", name: "place" },
        });
    } finally {
      await a.close?.();
      await fake.close();
    }
  });
});
