import { conversationKey, PREFIX_KEY_HEADER, withPrefixKey } from "../../src/balancer/conversation-key.js";

const system = { role: "system" as const, content: "You are a terse assistant." };
const turn = (n: number) => {
  const messages: { role: "system" | "user" | "assistant"; content: string }[] = [system];
  for (let i = 1; i <= n; i++) {
    messages.push({ role: "user", content: `question ${i} of conversation A` });
    if (i < n) messages.push({ role: "assistant", content: `answer ${i}` });
  }
  return { model: "tiny", messages };
};

describe("conversationKey", () => {
  it("is the same on every turn of one conversation", () => {
    const k = conversationKey(turn(1));
    expect(k).toMatch(/^[0-9a-f]{16}$/);
    for (let n = 2; n <= 6; n++) expect(conversationKey(turn(n))).toBe(k);
  });

  it("differs between conversations that share a system prompt", () => {
    const other = { model: "tiny", messages: [system, { role: "user", content: "something else" }] };
    expect(conversationKey(other)).not.toBe(conversationKey(turn(1)));
  });

  it("changes with the tools, and ignores what follows the first user message", () => {
    const tools = [{ type: "function", function: { name: "f", parameters: {} } }];
    expect(conversationKey({ ...turn(1), tools })).not.toBe(conversationKey(turn(1)));
    expect(conversationKey({ ...turn(3), tools })).toBe(conversationKey({ ...turn(1), tools }));
  });

  it("bounds each part: text past KEY_PART_CHARS does not change the key", () => {
    const long = (tail: string) => ({
      model: "tiny",
      messages: [{ role: "user", content: `${"x".repeat(2000)}${tail}` }],
    });
    expect(conversationKey(long("a"))).toBe(conversationKey(long("b")));
  });

  it("keys completions by their prompt head and gives embeddings none", () => {
    expect(conversationKey({ model: "tiny", prompt: "Once upon" })).toMatch(/^[0-9a-f]{16}$/);
    expect(conversationKey({ model: "tiny", input: "embed me" })).toBeUndefined();
  });
});

describe("withPrefixKey", () => {
  it("adds x-llm-prefix-key without touching the context's signal getter", () => {
    let reads = 0;
    const ctx = {
      get signal() {
        reads++;
        return new AbortController().signal;
      },
      upstreamModel: "tiny",
      headers: { "x-request-id": "r1" },
    };
    const keyed = withPrefixKey(ctx, turn(2));
    expect(keyed.headers).toEqual({ "x-request-id": "r1", [PREFIX_KEY_HEADER]: conversationKey(turn(1)) });
    expect(reads).toBe(0);
    expect(keyed.upstreamModel).toBe("tiny");
    expect(withPrefixKey(keyed, turn(1))).toBe(keyed);
  });
});
