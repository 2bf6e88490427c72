import type { ChatCompletionChunk } from "@llm/contracts";
import { type FakeServer, startFakeOpenAI } from "@llm/testing";
import { createOpenAIAdapter } from "../../../src/providers/openai/index.js";
import { type ProviderAdapter, UpstreamError } from "../../../src/providers/types.js";

const ctx = (model = "gpt-4o-mini-2024-07-18") => ({
  signal: new AbortController().signal,
  upstreamModel: model,
});
const chatReq = { model: "cheap", messages: [{ role: "user" as const, content: "hi" }] };

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("OpenAI-compatible adapter", () => {
  let fake: FakeServer;
  let adapter: ProviderAdapter;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    adapter = createOpenAIAdapter({ apiKey: "sk-test-secret-123456", baseURL: `${fake.url}/v1` });
  });
  afterAll(async () => {
    await adapter.close?.();
    await fake.close();
  });

  it("sends the upstream model with a bearer token and returns the completion", async () => {
    const res = await adapter.chat(chatReq, ctx());
    expect(res.choices[0]?.message.content).toBe("echo: hi");
    const got = fake.received.at(-1)!;
    expect(got.url).toBe("/v1/chat/completions");
    expect(got.headers.authorization).toBe("Bearer sk-test-secret-123456");
    expect(got.body.model).toBe("gpt-4o-mini-2024-07-18");
    expect(got.body.stream).toBeUndefined();
  });

  it("streams chunks and always asks the upstream for usage", async () => {
    const chunks = await collect<ChatCompletionChunk>(
      await adapter.chatStream({ ...chatReq, stream: true }, ctx()),
    );
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("echo: hi");
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
    expect(fake.received.at(-1)!.body.stream_options).toEqual({ include_usage: true });
  });

  it("serves completions and embeddings", async () => {
    const c = await adapter.completions!({ model: "x", prompt: "abc" }, ctx("m1"));
    expect(c.choices[0]?.text).toBe("echo: abc");
    const e = await adapter.embed!({ model: "x", input: ["a", "b"] }, ctx("text-embedding-3-small"));
    expect(e.data).toHaveLength(2);
    expect(fake.received.at(-1)!.body.model).toBe("text-embedding-3-small");
  });

  it("maps a 429 to a retryable UpstreamError with Retry-After, never echoing the key", async () => {
    fake.failNext = {
      status: 429,
      headers: { "retry-after": "7" },
      body: {
        error: {
          message: "Rate limit for key sk-test-secret-123456",
          type: "requests",
          code: "rate_limit_exceeded",
          param: null,
        },
      },
    };
    const err = (await adapter.chat(chatReq, ctx()).catch((e) => e)) as UpstreamError;
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.status).toBe(429);
    expect(err.retryable).toBe(true);
    expect(err.retryAfter).toBe(7);
    expect(err.body.error.type).toBe("rate_limit_error");
    expect(JSON.stringify(err.body)).not.toContain("sk-test-secret");
  });

  it("rejects a stream before the first chunk when the upstream answers 400 (not retryable)", async () => {
    fake.failNext = {
      status: 400,
      body: { error: { message: "bad", type: "invalid_request_error", param: "messages", code: null } },
    };
    const err = (await adapter.chatStream(chatReq, ctx()).catch((e) => e)) as UpstreamError;
    expect(err.status).toBe(400);
    expect(err.retryable).toBe(false);
    expect(err.body.error.param).toBe("messages");
  });

  it("maps a refused connection to a retryable 502", async () => {
    const dead = createOpenAIAdapter({ baseURL: "http://127.0.0.1:1/v1", timeoutMs: 2000 });
    const err = (await dead.chat(chatReq, ctx()).catch((e) => e)) as UpstreamError;
    expect(err.status).toBe(502);
    expect(err.retryable).toBe(true);
    await dead.close?.();
  });

  it("maps an upstream that never answers to a retryable 504 after timeoutMs", async () => {
    const { startFake } = await import("@llm/testing");
    const silent = await startFake(() => {
      // never responds
    });
    const slow = createOpenAIAdapter({ baseURL: `${silent.url}/v1`, timeoutMs: 200 });
    try {
      const err = (await slow.chat(chatReq, ctx()).catch((e) => e)) as UpstreamError;
      expect([err.status, err.retryable, err.body.error.code]).toEqual([504, true, "upstream_timeout"]);
    } finally {
      await slow.close?.();
      await silent.close();
    }
  });

  it("speaks the Azure flavour: api-key header, deployment in the path, api-version query", async () => {
    const azure = createOpenAIAdapter({
      apiKey: "azure-key-abcdef",
      baseURL: `${fake.url}/openai/deployments/{model}`,
      flavour: "azure",
      apiVersion: "2024-10-21",
    });
    await azure.chat(chatReq, ctx("my-deploy"));
    const got = fake.received.at(-1)!;
    expect(got.url).toBe("/openai/deployments/my-deploy/chat/completions?api-version=2024-10-21");
    expect(got.headers["api-key"]).toBe("azure-key-abcdef");
    expect(got.headers.authorization).toBeUndefined();
    await azure.close?.();
  });
});
