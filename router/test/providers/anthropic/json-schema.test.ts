import type { ChatCompletionChunk, ChatCompletionRequest } from "@llm/contracts";
import { startFakeAnthropic } from "@llm/testing";
import { createAnthropicAdapter } from "../../../src/providers/anthropic/index.js";

const ctx = () => ({ signal: new AbortController().signal, upstreamModel: "claude-haiku-4-5" });
const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
const req: ChatCompletionRequest = {
  model: "smart",
  messages: [{ role: "user", content: "where?" }],
  max_tokens: 100,
  response_format: { type: "json_schema", json_schema: { name: "place", description: "A place", schema } },
};

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("Anthropic json_schema response_format as a forced tool", () => {
  it("sends the schema as a forced tool and returns its input as the message content", async () => {
    const fake = await startFakeAnthropic({ tool: true, toolName: "place", stopReason: "tool_use" });
    const a = createAnthropicAdapter({ apiKey: "k", baseURL: fake.url });
    try {
      const res = await a.chat(req, ctx());
      expect(fake.received[0]!.body).toEqual({
        model: "claude-haiku-4-5",
        max_tokens: 100,
        messages: [{ role: "user", content: [{ type: "text", text: "where?" }] }],
        tools: [{ name: "place", description: "A place", input_schema: schema }],
        tool_choice: { type: "tool", name: "place" },
      });
      expect(res.choices[0]?.message).toEqual({ role: "assistant", content: '{"city":"Oslo"}' });
      expect(res.choices[0]?.finish_reason).toBe("stop");
    } finally {
      await a.close?.();
      await fake.close();
    }
  });

  it("streams the forced tool's input as content deltas", async () => {
    const fake = await startFakeAnthropic({ tool: true, toolName: "place", stopReason: "tool_use" });
    const a = createAnthropicAdapter({ apiKey: "k", baseURL: fake.url });
    try {
      const chunks = await collect<ChatCompletionChunk>(await a.chatStream({ ...req, stream: true }, ctx()));
      expect(fake.received[0]!.body.tool_choice).toEqual({ type: "tool", name: "place" });
      expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe('{"city":"Oslo"}');
      expect(chunks.some((c) => c.choices[0]?.delta.tool_calls)).toBe(false);
      expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe("stop");
    } finally {
      await a.close?.();
      await fake.close();
    }
  });
});
