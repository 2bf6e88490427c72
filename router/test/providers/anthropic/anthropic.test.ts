import type { ChatCompletionChunk, ChatCompletionRequest } from "@llm/contracts";
import { startFakeAnthropic } from "@llm/testing";
import { createAnthropicAdapter, toAnthropicRequest } from "../../../src/providers/anthropic/index.js";
import { UpstreamError } from "../../../src/providers/types.js";

const ctx = () => ({ signal: new AbortController().signal, upstreamModel: "claude-haiku-4-5" });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("Anthropic request translation", () => {
  it("lifts system/developer into system, merges same-role turns and maps images and stops", () => {
    const req: ChatCompletionRequest = {
      model: "smart",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: "Answer in English." },
        { role: "user", content: "one" },
        {
          role: "user",
          content: [
            { type: "text", text: "two" },
            { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
          ],
        },
        {
          role: "assistant",
          content: "ok",
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
        },
        { role: "tool", tool_call_id: "c1", content: "42" },
      ],
      stop: "END",
      temperature: 1.5,
      top_p: 0.9,
    };
    const out = toAnthropicRequest(req, "claude-sonnet-4-5");
    expect(out.system).toBe("Be brief.\n\nAnswer in English.");
    expect(out.max_tokens).toBe(4096);
    expect(out.stop_sequences).toEqual(["END"]);
    expect(out.temperature).toBe(1);
    expect(out.top_p).toBe(0.9);
    expect(out.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(out.messages[0]!.content).toEqual([
      { type: "text", text: "one" },
      { type: "text", text: "two" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
    ]);
    expect(out.messages[1]!.content[1]).toEqual({ type: "tool_use", id: "c1", name: "f", input: { a: 1 } });
    expect(out.messages[2]!.content[0]).toEqual({ type: "tool_result", tool_use_id: "c1", content: "42" });
  });

  it("uses the client's max_completion_tokens over max_tokens", () => {
    const out = toAnthropicRequest(
      { model: "m", messages: [{ role: "user", content: "x" }], max_tokens: 10, max_completion_tokens: 20 },
      "claude",
    );
    expect(out.max_tokens).toBe(20);
  });
});

describe("Anthropic adapter against a fake Messages API", () => {
  it("sends x-api-key and anthropic-version, and maps the reply and usage", async () => {
    const fake = await startFakeAnthropic();
    const a = createAnthropicAdapter({ apiKey: "sk-ant-secret-key-1", baseURL: fake.url });
    try {
      const res = await a.chat(
        {
          model: "smart",
          messages: [
            { role: "system", content: "S" },
            { role: "user", content: "hi" },
          ],
        },
        ctx(),
      );
      const got = fake.received[0]!;
      expect(got.headers["x-api-key"]).toBe("sk-ant-secret-key-1");
      expect(got.headers["anthropic-version"]).toBe("2023-06-01");
      expect(got.headers.authorization).toBeUndefined();
      expect(got.body).toMatchObject({ model: "claude-haiku-4-5", system: "S", max_tokens: 4096 });
      expect(res.choices[0]?.message.content).toBe("Hello");
      expect(res.choices[0]?.finish_reason).toBe("stop");
      expect(res.usage).toEqual({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
    } finally {
      await a.close?.();
      await fake.close();
    }
  });

  it("translates the event stream into OpenAI chunks with finish_reason and usage", async () => {
    const fake = await startFakeAnthropic({ stopReason: "tool_use", tool: true });
    const a = createAnthropicAdapter({ apiKey: "k-123456", baseURL: fake.url });
    try {
      const chunks = await collect<ChatCompletionChunk>(
        await a.chatStream(
          { model: "smart", messages: [{ role: "user", content: "hi" }], stream: true },
          ctx(),
        ),
      );
      expect(fake.received[0]!.body.stream).toBe(true);
      expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
      expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Hello");
      const tool = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
      expect(tool).toEqual([
        { index: 0, id: "toolu_1", type: "function", function: { name: "get_weather", arguments: "" } },
        { index: 0, function: { arguments: '{"city":"Oslo"}' } },
      ]);
      expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe("tool_calls");
      expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
    } finally {
      await a.close?.();
      await fake.close();
    }
  });

  it("maps max_tokens to length", async () => {
    const fake = await startFakeAnthropic({ stopReason: "max_tokens" });
    const a = createAnthropicAdapter({ apiKey: "k-123456", baseURL: fake.url });
    try {
      const res = await a.chat({ model: "m", messages: [{ role: "user", content: "hi" }] }, ctx());
      expect(res.choices[0]?.finish_reason).toBe("length");
    } finally {
      await a.close?.();
      await fake.close();
    }
  });

  it("maps 529 overloaded_error to a retryable 503 and 401 to a non-retryable 401", async () => {
    const fake = await startFakeAnthropic();
    const a = createAnthropicAdapter({ apiKey: "k-123456", baseURL: fake.url });
    try {
      fake.failNext = {
        status: 529,
        body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
      };
      const over = (await a
        .chatStream({ model: "m", messages: [{ role: "user", content: "x" }] }, ctx())
        .catch((e) => e)) as UpstreamError;
      expect(over).toBeInstanceOf(UpstreamError);
      expect(over.status).toBe(503);
      expect(over.retryable).toBe(true);
      expect(over.body.error.code).toBe("overloaded");
      const bad = createAnthropicAdapter({ baseURL: fake.url });
      const unauth = (await bad
        .chat({ model: "m", messages: [{ role: "user", content: "x" }] }, ctx())
        .catch((e) => e)) as UpstreamError;
      expect(unauth.status).toBe(401);
      expect(unauth.retryable).toBe(false);
      expect(unauth.body.error.type).toBe("authentication_error");
      await bad.close?.();
    } finally {
      await a.close?.();
      await fake.close();
    }
  });

  it("aborts the upstream request when the caller's signal fires mid-stream", async () => {
    const { startFake } = await import("@llm/testing");
    const fake = await startFake((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(
        `event: message_start\ndata: ${JSON.stringify({ type: "message_start", message: { id: "m", usage: { input_tokens: 1 } } })}\n\n`,
      );
      // never ends: only the abort can finish this request
    });
    const a = createAnthropicAdapter({ apiKey: "k-123456", baseURL: fake.url });
    const ac = new AbortController();
    try {
      const stream = await a.chatStream(
        { model: "m", messages: [{ role: "user", content: "x" }] },
        { signal: ac.signal, upstreamModel: "c" },
      );
      const it = stream[Symbol.asyncIterator]();
      const first = await it.next();
      expect(first.value?.choices[0]?.delta.role).toBe("assistant");
      ac.abort();
      await expect(it.next()).rejects.toBeDefined();
      await fake.aborted;
    } finally {
      await a.close?.();
      await fake.close();
    }
  });
});
