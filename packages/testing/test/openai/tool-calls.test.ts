import { startFakeOpenAI } from "../../src/index.js";

const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }];
const body = { model: "m", messages: [{ role: "user", content: "Weather?" }], tools };
const post = (url: string, b: unknown) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(b),
  });

describe("the fake OpenAI server's tool calls (toolCalls option)", () => {
  it("answers listed tools with message.tool_calls and finish_reason tool_calls, text otherwise", async () => {
    await using fake = await startFakeOpenAI({
      toolCalls: [{ name: "get_weather", arguments: '{"city":"Oslo"}' }],
    });
    const json = (await (await post(fake.url, body)).json()) as {
      choices: { message: { content: unknown; tool_calls: unknown }; finish_reason: string }[];
    };
    expect(json.choices[0]).toMatchObject({
      message: {
        content: null,
        tool_calls: [
          { id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
        ],
      },
      finish_reason: "tool_calls",
    });
    const plain = (await (await post(fake.url, { ...body, tools: undefined })).json()) as {
      choices: { message: { content: string }; finish_reason: string }[];
    };
    expect(plain.choices[0]).toMatchObject({ message: { content: "echo: Weather?" }, finish_reason: "stop" });
    const none = (await (await post(fake.url, { ...body, tool_choice: "none" })).json()) as {
      choices: { finish_reason: string }[];
    };
    expect(none.choices[0]?.finish_reason).toBe("stop");
  });

  it("streams a header delta, argument fragments and a tool_calls finish", async () => {
    await using fake = await startFakeOpenAI({
      toolCalls: [{ id: "call_a", name: "get_weather", arguments: '{"city":"Oslo"}' }],
      reasoning: "hm",
    });
    const text = await (await post(fake.url, { ...body, stream: true })).text();
    const chunks = text
      .split("\n\n")
      .filter((e) => e.startsWith("data: {"))
      .map(
        (e) =>
          JSON.parse(e.slice(6)) as {
            choices: { delta: Record<string, unknown>; finish_reason: string | null }[];
          },
      );
    const deltas = chunks.map((c) => c.choices[0]?.delta);
    expect(deltas).toContainEqual({ reasoning_content: "hm" });
    const calls = deltas.flatMap(
      (d) => (d?.tool_calls as { id?: string; function: { name?: string; arguments: string } }[]) ?? [],
    );
    expect(calls[0]).toMatchObject({ id: "call_a", function: { name: "get_weather", arguments: "" } });
    expect(calls.map((c) => c.function.arguments).join("")).toBe('{"city":"Oslo"}');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });
});
