import OpenAI from "openai";
import { type RuntimeHandle, startRuntime } from "../../src/index.js";
import { tinyModel } from "../helpers.js";

let rt: RuntimeHandle;
let client: OpenAI;

beforeAll(async () => {
  rt = await startRuntime({ model: await tinyModel(), threads: 1, ctxSize: 256, parallel: 2 });
  client = new OpenAI({ baseURL: `${rt.url}/v1`, apiKey: "unused", maxRetries: 0 });
});
afterAll(() => rt.close());

const messages = [{ role: "user" as const, content: "hi" }];

describe("n choices", () => {
  it("chat: n choices with their index, the prompt counted once and the completions summed", async () => {
    const one = await client.chat.completions.create({ model: "tiny", messages, max_tokens: 6 });
    const r = await client.chat.completions.create({ model: "tiny", messages, max_tokens: 6, n: 2 });
    expect(r.choices.map((c) => c.index)).toEqual([0, 1]);
    expect(r.choices.every((c) => c.finish_reason === "length")).toBe(true);
    expect(r.usage?.prompt_tokens).toBe(one.usage?.prompt_tokens);
    expect(r.usage?.completion_tokens).toBe(12);
  });

  it("chat streamed: every chunk names its choice and each choice finishes", async () => {
    const stream = await client.chat.completions.create({
      model: "tiny",
      messages,
      max_tokens: 5,
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    const text = ["", ""];
    const finish: (string | null)[] = [null, null];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const c of stream) {
      if (c.usage) usage = c.usage;
      for (const choice of c.choices) {
        text[choice.index] += choice.delta.content ?? "";
        if (choice.finish_reason) finish[choice.index] = choice.finish_reason;
      }
    }
    expect(finish).toEqual(["length", "length"]);
    expect(text.every((t) => t.length > 0)).toBe(true);
    expect(usage?.completion_tokens).toBe(10);
  });

  it("completions: choices numbered prompt by prompt", async () => {
    const r = await client.completions.create({ model: "tiny", prompt: ["a", "b"], max_tokens: 2, n: 2 });
    expect(r.choices.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    expect(r.usage?.completion_tokens).toBe(8);
  });

  it("n above the free sequences waits like n requests", async () => {
    const busy = client.chat.completions.create({ model: "tiny", messages, max_tokens: 40 });
    const r = await client.chat.completions.create({ model: "tiny", messages, max_tokens: 3, n: 2 });
    expect(r.choices).toHaveLength(2);
    await busy;
  });

  it("n above --parallel is a 400 naming n", async () => {
    const res = await fetch(`${rt.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "tiny", messages, max_tokens: 2, n: 3 }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { param: "n", code: "unsupported_parameter" } });
  });
});
