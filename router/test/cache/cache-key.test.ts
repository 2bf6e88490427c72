import { readCacheDirectives } from "../../src/cache/cache-directives.js";
import {
  bucketKeyOf,
  canonicalJson,
  exactKeyOf,
  isDeterministic,
  lastUserText,
} from "../../src/cache/cache-key.js";
import { replayFormatFor } from "../../src/cache/replay-format.js";
import "../../src/cache/openai-replay.js";

const parts = (body: object, tenantId = "t") => ({ tenantId, endpoint: "chat", model: "m", body });
const msgs = [{ role: "user", content: "hi" }];

describe("cache keys", () => {
  it("writes one canonical text per meaning: keys sorted, nulls dropped", () => {
    expect(canonicalJson({ b: 1, a: { d: null, c: [2, { z: 1, y: 0 }] } })).toBe(
      '{"a":{"c":[2,{"y":0,"z":1}]},"b":1}',
    );
  });

  it.each([
    ["key order", { messages: msgs, temperature: 0 }, { temperature: 0, messages: msgs }],
    [
      "OpenAI defaults",
      { messages: msgs, temperature: 0 },
      { messages: msgs, temperature: 0, top_p: 1, n: 1, presence_penalty: 0 },
    ],
    [
      "transport fields",
      { messages: msgs, temperature: 0 },
      { messages: msgs, temperature: 0, stream: true, stream_options: { include_usage: true }, user: "u" },
    ],
    [
      "max_tokens as max_completion_tokens",
      { messages: msgs, max_tokens: 5 },
      { messages: msgs, max_completion_tokens: 5 },
    ],
  ])("ignores %s", (_, a, b) => {
    expect(exactKeyOf(parts(a))).toBe(exactKeyOf(parts(b)));
  });

  it.each([
    ["the tenant", parts({ messages: msgs }, "t1"), parts({ messages: msgs }, "t2")],
    ["max tokens", parts({ messages: msgs, max_tokens: 5 }), parts({ messages: msgs, max_tokens: 6 })],
    [
      "tools",
      parts({ messages: msgs }),
      parts({ messages: msgs, tools: [{ type: "function", function: { name: "f" } }] }),
    ],
    ["the model", parts({ messages: msgs }), { ...parts({ messages: msgs }), model: "other" }],
  ])("changes with %s", (_, a, b) => {
    expect(exactKeyOf(a)).not.toBe(exactKeyOf(b));
  });

  it("buckets requests that differ only in the last user message", () => {
    const a = parts({
      messages: [
        { role: "system", content: "s" },
        { role: "user", content: "one" },
      ],
    });
    const b = parts({
      messages: [
        { role: "system", content: "s" },
        { role: "user", content: "two" },
      ],
    });
    const c = parts({
      messages: [
        { role: "system", content: "other" },
        { role: "user", content: "two" },
      ],
    });
    expect(bucketKeyOf(a)).toBe(bucketKeyOf(b));
    expect(bucketKeyOf(a)).not.toBe(bucketKeyOf(c));
    expect(lastUserText(b.body)).toBe("two");
  });

  it("calls temperature 0, a seed and every embeddings request deterministic", () => {
    expect(isDeterministic("chat", { temperature: 0 })).toBe(true);
    expect(isDeterministic("chat", { seed: 3, temperature: 0.9 })).toBe(true);
    expect(isDeterministic("chat", { temperature: 0.2 })).toBe(false);
    expect(isDeterministic("chat", {})).toBe(false);
    expect(isDeterministic("embeddings", {})).toBe(true);
  });
});

describe("cache directives", () => {
  it("reads no-cache and no-store among other directives, and caps the TTL at maxTtl", () => {
    expect(readCacheDirectives({ "cache-control": "max-age=0, No-Cache" }, 60_000)).toEqual({
      noCache: true,
      noStore: false,
    });
    expect(readCacheDirectives({ "cache-control": "no-store", "x-router-cache-ttl": "30" }, 60_000)).toEqual({
      noCache: false,
      noStore: true,
      ttlMs: 30_000,
    });
    expect(readCacheDirectives({ "x-router-cache-ttl": "2h" }, 60_000).ttlMs).toBe(60_000);
    expect(() => readCacheDirectives({ "x-router-cache-ttl": "later" }, 60_000)).toThrow(
      /x-router-cache-ttl/,
    );
  });
});

describe("the chat replay format", () => {
  const format = replayFormatFor("chat")!;
  const chunk = (delta: object, finish: string | null = null, extra: object = {}) => ({
    id: "c1",
    object: "chat.completion.chunk",
    created: 5,
    model: "m",
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  });

  it("folds a stream with tool calls into the answer and replays it as chunks ending in [DONE]", () => {
    const c = format.collector();
    c.add(chunk({ role: "assistant", content: "" }));
    c.add(chunk({ content: "Hel" }));
    c.add(chunk({ content: "lo" }));
    c.add(
      chunk({
        tool_calls: [
          { index: 0, id: "call_1", type: "function", function: { name: "f", arguments: '{"a"' } },
        ],
      }),
    );
    c.add(chunk({ tool_calls: [{ index: 0, function: { arguments: ":1}" } }] }));
    c.add(chunk({}, "tool_calls"));
    c.add({ ...chunk({}), choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
    const answer = c.answer() as { choices: { message: object; finish_reason: string }[]; usage: object };
    expect(answer.choices[0]).toEqual({
      index: 0,
      message: {
        role: "assistant",
        content: "Hello",
        tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
      },
      finish_reason: "tool_calls",
    });
    const events = [...format.replay(answer, { includeUsage: true })].map((e) => e.data);
    expect(events.at(-1)).toBe("[DONE]");
    const parsed = events.slice(0, -1).map((d) => JSON.parse(d));
    expect(parsed.every((p) => p.object === "chat.completion.chunk" && p.id === "c1")).toBe(true);
    expect(parsed.map((p) => p.choices[0]?.delta?.content ?? "").join("")).toBe("Hello");
    expect(parsed.at(-1).usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    expect(parsed.at(-2).choices[0].finish_reason).toBe("tool_calls");
    // Without include_usage there is no usage chunk, as OpenAI streams.
    expect([...format.replay(answer, { includeUsage: false })].some((e) => e.data.includes('"usage"'))).toBe(
      false,
    );
  });
});
