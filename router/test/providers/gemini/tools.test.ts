import type { ChatCompletionChunk, ChatCompletionRequest } from "@llm/contracts";
import { startFakeGemini } from "@llm/testing";
import { createGeminiAdapter } from "../../../src/providers/gemini/index.js";

const KEY = "AIzaFAKEKEY0123456789";
const ctx = () => ({ signal: new AbortController().signal, upstreamModel: "gemini-2.5-flash" });
const tools: ChatCompletionRequest["tools"] = [
  { type: "function", function: { name: "get_weather", parameters: { type: "object" } } },
];

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function sent(req: Partial<ChatCompletionRequest>): Promise<Record<string, unknown>> {
  const fake = await startFakeGemini();
  const g = createGeminiAdapter({ apiKey: KEY, baseURL: fake.url });
  try {
    await g.chat({ model: "fast", messages: [{ role: "user", content: "hi" }], ...req }, ctx());
    return fake.received[0]!.body;
  } finally {
    await g.close?.();
    await fake.close();
  }
}

describe("Gemini tool translation on the wire", () => {
  it.each([
    ["auto", { mode: "AUTO" }],
    ["none", { mode: "NONE" }],
    ["required", { mode: "ANY" }],
    [
      { type: "function", function: { name: "get_weather" } },
      { mode: "ANY", allowedFunctionNames: ["get_weather"] },
    ],
  ])("maps tool_choice %j to toolConfig.functionCallingConfig", async (choice, config) => {
    const body = await sent({ tools, tool_choice: choice as ChatCompletionRequest["tool_choice"] });
    expect(body).toEqual({
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      tools: [{ functionDeclarations: [{ name: "get_weather", parameters: { type: "object" } }] }],
      toolConfig: { functionCallingConfig: config },
    });
  });

  it("sends tool messages as functionResponse parts named by the assistant call", async () => {
    const body = await sent({
      tools,
      messages: [
        { role: "user", content: "weather?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "c1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: "tool", tool_call_id: "c1", content: "sunny" },
      ],
    });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "weather?" }] },
      { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Oslo" } } }] },
      {
        role: "user",
        parts: [{ functionResponse: { name: "get_weather", response: { content: "sunny" } } }],
      },
    ]);
  });

  it("gives parallel function calls streamed in separate events distinct indexes and ids", async () => {
    const call = (city: string) => ({ functionCall: { name: "get_weather", args: { city } } });
    const fake = await startFakeGemini({
      streamEvents: [
        { candidates: [{ index: 0, content: { role: "model", parts: [call("Oslo")] } }] },
        {
          candidates: [{ index: 0, content: { role: "model", parts: [call("Rome")] }, finishReason: "STOP" }],
        },
      ],
    });
    const g = createGeminiAdapter({ apiKey: KEY, baseURL: fake.url });
    try {
      const chunks = await collect<ChatCompletionChunk>(
        await g.chatStream({ model: "fast", messages: [{ role: "user", content: "hi" }], tools }, ctx()),
      );
      const calls = chunks.flatMap(
        (c) => (c.choices[0]?.delta.tool_calls ?? []) as { index: number; id: string }[],
      );
      expect(calls.map((c) => c.index)).toEqual([0, 1]);
      expect(new Set(calls.map((c) => c.id)).size).toBe(2);
      expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe("tool_calls");
    } finally {
      await g.close?.();
      await fake.close();
    }
  });
});
