import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import OpenAI from "openai";
import type { FunctionTool } from "openai/resources/responses/responses";
import { listen } from "../../helpers/router.js";

const weather: FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: true,
};

/** Function tools, function_call_output and reasoning, translated to chat for an OpenAI-compatible target. */
describe("/v1/responses function tools (openai SDK as the client)", () => {
  let fake: FakeOpenAI;
  let router: Awaited<ReturnType<typeof listen>>;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI({
      toolCalls: [{ id: "call_w", name: "get_weather", arguments: '{"city":"Paris"}' }],
      reasoning: "The user wants weather.",
    });
    router = await listen({
      externalProviders: [{ name: "compat", type: "openai", baseURL: fake.baseURL, models: ["small"] }],
    });
    client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });

  afterAll(async () => {
    await router.close();
    await fake.close();
  });

  beforeEach(() => {
    fake.received.length = 0;
  });

  it("answers a function_call item (and the reasoning item) for tool_choice required", async () => {
    const r = await client.responses.create({
      model: "small",
      input: "Weather in Paris?",
      tools: [weather],
      tool_choice: "required",
      parallel_tool_calls: false,
    });
    expect(fake.received[0]?.body).toMatchObject({
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Weather in a city",
            parameters: weather.parameters,
            strict: true,
          },
        },
      ],
      tool_choice: "required",
      parallel_tool_calls: false,
    });
    expect(r.output.map((o) => o.type)).toEqual(["reasoning", "function_call"]);
    expect(r.output[0]).toMatchObject({
      type: "reasoning",
      id: expect.stringMatching(/^rs_/),
      summary: [],
      content: [{ type: "reasoning_text", text: "The user wants weather." }],
    });
    expect(r.output[1]).toEqual({
      type: "function_call",
      id: expect.stringMatching(/^fc_/),
      call_id: "call_w",
      name: "get_weather",
      arguments: '{"city":"Paris"}',
      status: "completed",
    });
    expect(r.output_text).toBe("");
  });

  it("sends function_call + function_call_output back as an assistant tool call and a tool message", async () => {
    const first = await client.responses.create({
      model: "small",
      input: "Weather in Paris?",
      tools: [weather],
    });
    const call = first.output.find((o) => o.type === "function_call");
    if (call?.type !== "function_call") throw new Error("no function_call");
    const second = await client.responses.create({
      model: "small",
      tools: [weather],
      tool_choice: "none",
      input: [
        { role: "user", content: "Weather in Paris?" },
        call,
        { type: "function_call_output", call_id: call.call_id, output: "sunny, 21C" },
      ],
    });
    expect(fake.received[1]?.body.messages).toEqual([
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_w",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_w", content: "sunny, 21C" },
    ]);
    expect(second.output_text).toBe("echo: sunny, 21C");
  });

  it("continues from previous_response_id with only the function_call_output as new input", async () => {
    const first = await client.responses.create({
      model: "small",
      input: "Weather in Paris?",
      tools: [weather],
    });
    await client.responses.create({
      model: "small",
      previous_response_id: first.id,
      tools: [weather],
      tool_choice: "none",
      input: [{ type: "function_call_output", call_id: "call_w", output: "rain" }],
    });
    // The stored turn (input and output, reasoning dropped for chat) and then the new item.
    expect(fake.received[1]?.body.messages).toEqual([
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_w",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_w", content: "rain" },
    ]);
  });

  it("streams a function call as output_item.added, arguments deltas, arguments.done and output_item.done", async () => {
    const stream = client.responses.stream({ model: "small", input: "Weather?", tools: [weather] });
    const types: string[] = [];
    let args = "";
    stream.on("event", (e) => types.push(e.type));
    stream.on("response.function_call_arguments.delta", (e) => {
      args += e.delta;
    });
    const final = await stream.finalResponse();
    expect(args).toBe('{"city":"Paris"}');
    const call = final.output.find((o) => o.type === "function_call");
    expect(call).toMatchObject({ call_id: "call_w", name: "get_weather", arguments: '{"city":"Paris"}' });
    const fc = types.slice(types.indexOf("response.reasoning_text.done"));
    expect(fc).toEqual([
      "response.reasoning_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(types.slice(0, 5)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.reasoning_text.delta",
    ]);
  });
});
