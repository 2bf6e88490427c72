import type { ChatCompletionChunk, ChatCompletionRequest } from "@llm/contracts";
import { startFakeAnthropic } from "@llm/testing";
import { createAnthropicAdapter } from "../../../src/providers/anthropic/index.js";

const ctx = () => ({ signal: new AbortController().signal, upstreamModel: "claude-sonnet-4-5" });
const base: ChatCompletionRequest = { model: "smart", messages: [{ role: "user", content: "why?" }] };

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("Anthropic extended thinking", () => {
  it.each([
    ["low", 1024],
    ["medium", 8192],
    ["high", 24576],
  ] as const)("maps reasoning_effort %s to a %i-token thinking budget", async (effort, budget) => {
    const fake = await startFakeAnthropic();
    const a = createAnthropicAdapter({ apiKey: "k", baseURL: fake.url });
    try {
      await a.chat({ ...base, max_tokens: 500, temperature: 0.3, reasoning_effort: effort }, ctx());
      // The answer keeps its max_tokens on top of the budget; temperature is not allowed with thinking.
      expect(fake.received[0]!.body).toEqual({
        model: "claude-sonnet-4-5",
        max_tokens: budget + 500,
        messages: [{ role: "user", content: [{ type: "text", text: "why?" }] }],
        thinking: { type: "enabled", budget_tokens: budget },
      });
    } finally {
      await a.close?.();
      await fake.close();
    }
  });

  it("surfaces thinking blocks as reasoning_content on the message", async () => {
    const fake = await startFakeAnthropic({ thinking: "Let me think." });
    const a = createAnthropicAdapter({ apiKey: "k", baseURL: fake.url });
    try {
      const res = await a.chat(base, ctx());
      expect(res.choices[0]?.message).toEqual({
        role: "assistant",
        content: "Hello",
        reasoning_content: "Let me think.",
      });
    } finally {
      await a.close?.();
      await fake.close();
    }
  });

  it("streams thinking deltas as reasoning_content deltas", async () => {
    const fake = await startFakeAnthropic({ thinking: "Let me think." });
    const a = createAnthropicAdapter({ apiKey: "k", baseURL: fake.url });
    try {
      const chunks = await collect<ChatCompletionChunk>(await a.chatStream({ ...base, stream: true }, ctx()));
      const deltas = chunks.map(
        (c) => c.choices[0]?.delta as { reasoning_content?: string; content?: string },
      );
      expect(deltas.map((d) => d?.reasoning_content ?? "").join("")).toBe("Let me think.");
      expect(deltas.map((d) => d?.content ?? "").join("")).toBe("Hello");
    } finally {
      await a.close?.();
      await fake.close();
    }
  });
});
