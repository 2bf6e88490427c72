import { signRequest } from "@llm/contracts";
import { FakeUpstream, startFakeOpenAI } from "../../src/index.js";

const chat = { model: "m", messages: [{ role: "user", content: "hi" }] };
// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in these assertions.
type Json = any;
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

/** The data payloads of an SSE body. */
const events = (text: string) =>
  text
    .split("\n\n")
    .filter(Boolean)
    .map((e) => e.replace(/^data: /, ""));

describe("the fake OpenAI server", () => {
  it("echoes the last message by default, on any path ending in the endpoint (Azure deployments)", async () => {
    await using fake = await startFakeOpenAI();
    const res = await post(`${fake.url}/openai/deployments/d/chat/completions?api-version=1`, chat);
    const body: Json = await res.json();
    expect(body.choices[0].message.content).toBe("echo: hi");
    expect(body.model).toBe("m");
    expect(fake.received[0]).toMatchObject({
      path: "/openai/deployments/d/chat/completions",
      method: "POST",
    });
  });

  it("streams as OpenAI does: role chunk, pieces, finish chunk, usage when asked, [DONE]", async () => {
    await using fake = await startFakeOpenAI({ pieces: ["a", "b"], prefix: "/v1" });
    const res = await post(`${fake.baseURL}/chat/completions`, {
      ...chat,
      stream: true,
      stream_options: { include_usage: true },
    });
    const data = events(await res.text());
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks.map((c) => c.choices[0]?.delta ?? null)).toEqual([
      { role: "assistant", content: "" },
      { content: "a" },
      { content: "b" },
      {},
      null,
    ]);
    expect(chunks[3].choices[0].finish_reason).toBe("stop");
    expect(chunks[4].usage).toEqual({ prompt_tokens: 11, completion_tokens: 2, total_tokens: 13 });
    expect((await post(`${fake.url}/other/chat/completions`, chat)).status).toBe(404);
  });

  it("draws the same seeded reply for the same request id and reports its load", async () => {
    await using fake = await startFakeOpenAI({
      name: "s",
      model: "tiny",
      seed: 3,
      ttftMs: { median: 1, p95: 2 },
      perTokenMs: { median: 1, p95: 2 },
      outputTokens: { min: 2, max: 9 },
    });
    const once = async () => {
      const res = await post(`${fake.baseURL}/chat/completions`, chat, { "x-bench-request-id": "r1" });
      const body: Json = await res.json();
      return body.choices[0].message.content;
    };
    expect(await once()).toBe(await once());
    expect(fake.requests).toBe(2);
    const metrics = await (await fetch(`${fake.origin}/metrics`)).text();
    expect(metrics).toContain("llm_fake_requests_total 2");
    expect(metrics).toContain("llm_runtime_queue_depth 0");
  });

  it("checks the cluster HMAC signature when given a secret", async () => {
    const up = await new FakeUpstream({ name: "c", hmacSecret: "s3cret-s3cret-s3cret" }).start();
    try {
      expect((await post(`${up.url}/v1/chat/completions`, chat)).status).toBe(401);
      const body = JSON.stringify(chat);
      const headers = signRequest("s3cret-s3cret-s3cret", {
        method: "POST",
        path: "/v1/chat/completions",
        body,
      });
      const res = await fetch(`${up.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
      expect(((await res.json()) as Json).choices[0].message.content).toBe("hello from c");
      expect(up.count).toBe(1);
    } finally {
      await up.close();
    }
  });
});
