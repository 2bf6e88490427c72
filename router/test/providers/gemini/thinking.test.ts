import type { ChatCompletionChunk, ChatCompletionRequest } from "@llm/contracts";
import { startFakeGemini } from "@llm/testing";
import { createGeminiAdapter } from "../../../src/providers/gemini/index.js";

const KEY = "AIzaFAKEKEY0123456789";
const ctx = () => ({ signal: new AbortController().signal, upstreamModel: "gemini-2.5-flash" });
const base: ChatCompletionRequest = { model: "fast", messages: [{ role: "user", content: "why?" }] };

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("Gemini thinking", () => {
  it.each([
    ["low", 1024],
    ["medium", 8192],
    ["high", 24576],
  ] as const)(
    "maps reasoning_effort %s to thinkingBudget %i with thoughts included",
    async (effort, budget) => {
      const fake = await startFakeGemini();
      const g = createGeminiAdapter({ apiKey: KEY, baseURL: fake.url });
      try {
        await g.chat({ ...base, reasoning_effort: effort }, ctx());
        expect(fake.received[0]!.body).toEqual({
          contents: [{ role: "user", parts: [{ text: "why?" }] }],
          generationConfig: { thinkingConfig: { thinkingBudget: budget, includeThoughts: true } },
        });
      } finally {
        await g.close?.();
        await fake.close();
      }
    },
  );

  it("surfaces thought parts as reasoning_content on the message", async () => {
    const fake = await startFakeGemini({ parts: [{ text: "Hmm.", thought: true }, { text: "Hello" }] });
    const g = createGeminiAdapter({ apiKey: KEY, baseURL: fake.url });
    try {
      const res = await g.chat(base, ctx());
      expect(res.choices[0]?.message).toEqual({
        role: "assistant",
        content: "Hello",
        reasoning_content: "Hmm.",
      });
    } finally {
      await g.close?.();
      await fake.close();
    }
  });

  it("streams thought parts as reasoning_content deltas", async () => {
    const fake = await startFakeGemini({
      streamEvents: [
        { candidates: [{ index: 0, content: { role: "model", parts: [{ text: "Hmm.", thought: true }] } }] },
        {
          candidates: [
            { index: 0, content: { role: "model", parts: [{ text: "Hello" }] }, finishReason: "STOP" },
          ],
        },
      ],
    });
    const g = createGeminiAdapter({ apiKey: KEY, baseURL: fake.url });
    try {
      const chunks = await collect<ChatCompletionChunk>(await g.chatStream(base, ctx()));
      const deltas = chunks.map(
        (c) => c.choices[0]?.delta as { reasoning_content?: string; content?: string },
      );
      expect(deltas.map((d) => d?.reasoning_content ?? "").join("")).toBe("Hmm.");
      expect(deltas.map((d) => d?.content ?? "").join("")).toBe("Hello");
    } finally {
      await g.close?.();
      await fake.close();
    }
  });
});
