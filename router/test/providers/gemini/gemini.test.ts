import type { ChatCompletionChunk } from "@llm/contracts";
import { startFakeGemini } from "@llm/testing";
import { createGeminiAdapter, toGeminiRequest } from "../../../src/providers/gemini/index.js";
import { UpstreamError } from "../../../src/providers/types.js";

const KEY = "AIzaFAKEKEY0123456789";
const ctx = (m = "gemini-2.5-flash") => ({ signal: new AbortController().signal, upstreamModel: m });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("Gemini request translation", () => {
  it("maps system instruction, roles and generationConfig including JSON schema output", () => {
    const out = toGeminiRequest({
      model: "m",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hi" },
        { role: "assistant", content: "hello" },
        { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/jpeg;base64,QUJD" } }] },
      ],
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.5,
      stop: ["x", "y"],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "r",
          schema: { type: "object", properties: { a: { type: "string" } }, additionalProperties: false },
        },
      },
    });
    expect(out.systemInstruction).toEqual({ parts: [{ text: "Be brief." }] });
    expect(out.contents.map((c) => c.role)).toEqual(["user", "model", "user"]);
    expect(out.contents[2]!.parts[0]).toEqual({ inlineData: { mimeType: "image/jpeg", data: "QUJD" } });
    expect(out.generationConfig).toEqual({
      maxOutputTokens: 50,
      temperature: 0.2,
      topP: 0.5,
      stopSequences: ["x", "y"],
      responseMimeType: "application/json",
      responseSchema: { type: "object", properties: { a: { type: "string" } } },
    });
  });
});

describe("Gemini adapter against a fake Gemini API", () => {
  it("sends the key only in x-goog-api-key and maps reply, finish reason and usage", async () => {
    const fake = await startFakeGemini();
    const g = createGeminiAdapter({ apiKey: KEY, baseURL: fake.url });
    try {
      const res = await g.chat({ model: "fast", messages: [{ role: "user", content: "hi" }] }, ctx());
      const got = fake.received[0]!;
      expect(got.url).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
      expect(got.url).not.toContain(KEY);
      expect(got.headers["x-goog-api-key"]).toBe(KEY);
      expect(got.body.contents).toEqual([{ role: "user", parts: [{ text: "hi" }] }]);
      expect(res.choices[0]?.message.content).toBe("Hello");
      expect(res.choices[0]?.finish_reason).toBe("stop");
      expect(res.usage).toEqual({ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 });
    } finally {
      await g.close?.();
      await fake.close();
    }
  });

  it("accepts a base URL ending in /v1beta and model ids prefixed models/", async () => {
    const fake = await startFakeGemini();
    const g = createGeminiAdapter({ apiKey: KEY, baseURL: `${fake.url}/v1beta/` });
    try {
      await g.chat(
        { model: "fast", messages: [{ role: "user", content: "hi" }] },
        ctx("models/gemini-2.0-flash"),
      );
      expect(fake.received[0]!.url).toBe("/v1beta/models/gemini-2.0-flash:generateContent");
    } finally {
      await g.close?.();
      await fake.close();
    }
  });

  it("streams with alt=sse and ends with a usage chunk", async () => {
    const fake = await startFakeGemini({ finishReason: "MAX_TOKENS" });
    const g = createGeminiAdapter({ apiKey: KEY, baseURL: fake.url });
    try {
      const chunks = await collect<ChatCompletionChunk>(
        await g.chatStream(
          { model: "fast", messages: [{ role: "user", content: "hi" }], stream: true },
          ctx(),
        ),
      );
      expect(fake.received[0]!.url).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
      expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
      expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Hello");
      expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe("length");
      expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 });
    } finally {
      await g.close?.();
      await fake.close();
    }
  });

  it("maps SAFETY to content_filter", async () => {
    const fake = await startFakeGemini({ finishReason: "SAFETY" });
    const g = createGeminiAdapter({ apiKey: KEY, baseURL: fake.url });
    try {
      const res = await g.chat({ model: "fast", messages: [{ role: "user", content: "hi" }] }, ctx());
      expect(res.choices[0]?.finish_reason).toBe("content_filter");
    } finally {
      await g.close?.();
      await fake.close();
    }
  });

  it("embeds through batchEmbedContents", async () => {
    const fake = await startFakeGemini();
    const g = createGeminiAdapter({ apiKey: KEY, baseURL: fake.url });
    try {
      const res = await g.embed!({ model: "emb", input: ["a", "bb"] }, ctx("text-embedding-004"));
      expect(fake.received[0]!.url).toBe("/v1beta/models/text-embedding-004:batchEmbedContents");
      expect(fake.received[0]!.body.requests).toEqual([
        { model: "models/text-embedding-004", content: { parts: [{ text: "a" }] } },
        { model: "models/text-embedding-004", content: { parts: [{ text: "bb" }] } },
      ]);
      expect(res.data.map((d) => d.embedding)).toEqual([
        [0, 0.5, 0.25],
        [1, 0.5, 0.25],
      ]);
    } finally {
      await g.close?.();
      await fake.close();
    }
  });

  it("maps RESOURCE_EXHAUSTED with RetryInfo to a retryable 429 and INVALID_ARGUMENT to a 400", async () => {
    const fake = await startFakeGemini();
    const g = createGeminiAdapter({ apiKey: KEY, baseURL: fake.url });
    try {
      fake.failNext = {
        status: 429,
        body: {
          error: {
            code: 429,
            message: `Quota exceeded for key ${KEY}`,
            status: "RESOURCE_EXHAUSTED",
            details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "31s" }],
          },
        },
      };
      const e429 = (await g
        .chatStream({ model: "f", messages: [{ role: "user", content: "x" }] }, ctx())
        .catch((e) => e)) as UpstreamError;
      expect(e429).toBeInstanceOf(UpstreamError);
      expect([e429.status, e429.retryable, e429.retryAfter]).toEqual([429, true, 31]);
      expect(e429.body.error.code).toBe("resource_exhausted");
      expect(e429.body.error.message).not.toContain(KEY);
      fake.failNext = { status: 503, body: { error: { code: 503, message: "busy", status: "UNAVAILABLE" } } };
      const e503 = (await g
        .chat({ model: "f", messages: [{ role: "user", content: "x" }] }, ctx())
        .catch((e) => e)) as UpstreamError;
      expect([e503.status, e503.retryable]).toEqual([503, true]);
      fake.failNext = {
        status: 400,
        body: { error: { code: 400, message: "bad", status: "INVALID_ARGUMENT" } },
      };
      const e400 = (await g
        .chat({ model: "f", messages: [{ role: "user", content: "x" }] }, ctx())
        .catch((e) => e)) as UpstreamError;
      expect([e400.status, e400.retryable, e400.body.error.type]).toEqual([
        400,
        false,
        "invalid_request_error",
      ]);
    } finally {
      await g.close?.();
      await fake.close();
    }
  });
});
