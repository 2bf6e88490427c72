import { ensureModel } from "@llm/gguf";
import { Ajv2020 } from "ajv/dist/2020.js";
import OpenAI from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { type RuntimeHandle, startRuntime } from "../../src/index.js";
import { metricValue, tinyModel } from "../helpers.js";

/**
 * Tool calling against the real engine on the generated tiny model (its template has a tool-call
 * format). Random weights cannot choose tools, so the loop is driven with `required` / a named
 * function and the grammar; every call's arguments must satisfy the function's schema.
 */
let rt: RuntimeHandle;
let client: OpenAI;

beforeAll(async () => {
  rt = await startRuntime({ model: await tinyModel(), threads: 1, ctxSize: 2048, parallel: 2 });
  client = new OpenAI({ baseURL: `${rt.url}/v1`, apiKey: "unused", maxRetries: 0 });
});
afterAll(() => rt.close());

const weatherParams = {
  type: "object",
  properties: { city: { type: "string", maxLength: 6 }, unit: { enum: ["c", "f"] } },
  required: ["city", "unit"],
  additionalProperties: false,
};
const timeParams = {
  type: "object",
  properties: { zone: { enum: ["UTC", "CET"] } },
  required: ["zone"],
  additionalProperties: false,
};
const tools: ChatCompletionTool[] = [
  {
    type: "function",
    function: { name: "get_weather", description: "Current weather", parameters: weatherParams },
  },
  { type: "function", function: { name: "get_time", description: "Current time", parameters: timeParams } },
];
const validators = {
  get_weather: new Ajv2020().compile(weatherParams),
  get_time: new Ajv2020().compile(timeParams),
};
/** Each call names an offered function and its arguments validate against that function's schema. */
function expectValidCalls(calls: { function: { name: string; arguments: string } }[] | undefined): void {
  expect(calls?.length).toBeGreaterThan(0);
  for (const c of calls ?? []) {
    const validate = validators[c.function.name as keyof typeof validators];
    expect(validate).toBeDefined();
    expect({ args: c.function.arguments, valid: validate(JSON.parse(c.function.arguments)) }).toEqual({
      args: c.function.arguments,
      valid: true,
    });
  }
}
const user: ChatCompletionMessageParam = { role: "user", content: "What is the weather in Paris?" };
const base = { model: "tiny", max_tokens: 200, parallel_tool_calls: false, seed: 7 } as const;

describe("tool calling on the runtime (official openai SDK)", () => {
  it("required -> tool message -> none gives a final text answer", async () => {
    const first = await client.chat.completions.create({
      ...base,
      messages: [user],
      tools,
      tool_choice: "required",
    });
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    expectValidCalls(choice?.message.tool_calls as never);
    const call = choice?.message.tool_calls?.[0];
    expect(call?.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(call?.type).toBe("function");

    const messages: ChatCompletionMessageParam[] = [
      user,
      choice?.message as ChatCompletionMessageParam,
      { role: "tool", tool_call_id: call?.id ?? "", content: '{"temp": 21}' },
    ];
    const final = await client.chat.completions.create({
      ...base,
      max_tokens: 8,
      messages,
      tools,
      tool_choice: "none",
    });
    expect(final.choices[0]?.message.tool_calls).toBeUndefined();
    expect(typeof final.choices[0]?.message.content).toBe("string");
    expect(["stop", "length"]).toContain(final.choices[0]?.finish_reason);
    // The history (tools, the call and its result) is part of the prompt.
    expect(final.usage?.prompt_tokens).toBeGreaterThan(first.usage?.prompt_tokens ?? 0);
  });

  it("a named function is the one called, once", async () => {
    const r = await client.chat.completions.create({
      ...base,
      parallel_tool_calls: true,
      messages: [user],
      tools,
      tool_choice: { type: "function", function: { name: "get_time" } },
    });
    expect(r.choices[0]?.finish_reason).toBe("tool_calls");
    expect(
      r.choices[0]?.message.tool_calls?.map((c) => (c as { function: { name: string } }).function.name),
    ).toEqual(["get_time"]);
    expectValidCalls(r.choices[0]?.message.tool_calls as never);
  });

  it("parallel calls, when allowed, are each valid and have distinct ids", async () => {
    const r = await client.chat.completions.create({
      ...base,
      max_tokens: 1200,
      parallel_tool_calls: true,
      messages: [user],
      tools,
      tool_choice: "required",
    });
    const calls = r.choices[0]?.message.tool_calls ?? [];
    if (r.choices[0]?.finish_reason === "tool_calls") expectValidCalls(calls as never);
    expect(new Set(calls.map((c) => c.id)).size).toBe(calls.length);
  });

  it("none and auto answer text or valid calls, never a broken call", async () => {
    for (const tool_choice of ["none", "auto"] as const) {
      const r = await client.chat.completions.create({
        ...base,
        max_tokens: 24,
        messages: [user],
        tools,
        tool_choice,
      });
      const choice = r.choices[0];
      if (tool_choice === "none") expect(choice?.message.tool_calls).toBeUndefined();
      if (choice?.finish_reason === "tool_calls") expectValidCalls(choice.message.tool_calls as never);
      else expect(typeof choice?.message.content).toBe("string");
    }
  });

  it("streamed call deltas are reassembled by chat.completions.stream()", async () => {
    const stream = client.chat.completions.stream({
      ...base,
      messages: [user],
      tools,
      tool_choice: "required",
      stream_options: { include_usage: true },
    });
    const chunks: unknown[] = [];
    stream.on("chunk", (c) => chunks.push(c));
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expectValidCalls(final.choices[0]?.message.tool_calls as never);
    // OpenAI's shape: the first delta of a call carries id, type and name with empty arguments.
    const firstCallDelta = chunks
      .flatMap((c) => (c as { choices: { delta: { tool_calls?: unknown[] } }[] }).choices)
      .flatMap((c) => c.delta.tool_calls ?? [])[0];
    expect(firstCallDelta).toEqual({
      index: 0,
      id: expect.stringMatching(/^call_/),
      type: "function",
      function: { name: expect.any(String), arguments: "" },
    });
    expect(final.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("runTools with a named function runs it once and sends its tool message", async () => {
    const seen: unknown[] = [];
    const runner = client.chat.completions.runTools({
      ...base,
      messages: [user],
      tool_choice: { type: "function", function: { name: "get_weather" } },
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Current weather",
            parameters: weatherParams,
            parse: JSON.parse,
            function: (args: unknown) => {
              seen.push(args);
              return { temp: 21 };
            },
          },
        },
      ],
    });
    await runner.done();
    expect(seen).toHaveLength(1);
    expect(validators.get_weather(seen[0])).toBe(true);
    const toolMessages = runner.messages.filter((m) => m.role === "tool");
    expect(toolMessages).toEqual([expect.objectContaining({ role: "tool", content: '{"temp":21}' })]);
  });

  it("/v1/models and /health report the tools capability; /v1/tokenize counts what usage counts", async () => {
    const models = (await (await fetch(`${rt.url}/v1/models`)).json()) as {
      data: { capabilities: string[] }[];
    };
    expect(models.data[0]?.capabilities).toEqual(expect.arrayContaining(["chat", "tools", "json_schema"]));
    const health = (await (await fetch(`${rt.url}/health`)).json()) as { capabilities: string[] };
    expect(health.capabilities).toContain("tools");

    const body = { model: "tiny", messages: [user], tools, tool_choice: "required" as const };
    const counted = (await (
      await fetch(`${rt.url}/v1/tokenize`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      })
    ).json()) as { prompt_tokens: number };
    const without = (await (
      await fetch(`${rt.url}/v1/tokenize`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ messages: [user] }),
      })
    ).json()) as { prompt_tokens: number };
    const r = await client.chat.completions.create({ ...body, max_tokens: 200, parallel_tool_calls: false });
    expect(counted.prompt_tokens).toBe(r.usage?.prompt_tokens);
    // The rendered tool definitions are counted.
    expect(counted.prompt_tokens).toBeGreaterThan(without.prompt_tokens + 20);
  });

  it("counts answered calls in llm_runtime_tool_calls_total", async () => {
    const before = metricValue(
      await (await fetch(`${rt.url}/metrics`)).text(),
      "llm_runtime_tool_calls_total",
    );
    await client.chat.completions.create({ ...base, messages: [user], tools, tool_choice: "required" });
    const after = metricValue(
      await (await fetch(`${rt.url}/metrics`)).text(),
      "llm_runtime_tool_calls_total",
    );
    expect(after).toBe(before + 1);
  });
});

describe("tool calling: bad input is a 400 naming the field", () => {
  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(`${rt.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "tiny", max_tokens: 4, messages: [user], ...body }),
    });
    return { status: res.status, error: ((await res.json()) as { error: { param?: string } }).error };
  };

  it.each([
    [
      "an unknown name in tool_choice",
      { tools, tool_choice: { type: "function", function: { name: "nope" } } },
      "tool_choice.function.name",
    ],
    ["tool_choice without tools", { tool_choice: "required" }, "tool_choice"],
    [
      "an invalid function name",
      { tools: [{ type: "function", function: { name: "has space" } }] },
      "tools.0.function.name",
    ],
    ["a duplicate function name", { tools: [tools[0], tools[0]] }, "tools.1.function.name"],
    [
      "a strict tool with a keyword the grammar cannot enforce",
      {
        tools: [
          {
            type: "function",
            function: {
              name: "f",
              strict: true,
              parameters: {
                type: "object",
                properties: { s: { type: "string", pattern: "^a+$" } },
                required: ["s"],
              },
            },
          },
        ],
      },
      "tools.0.function.parameters.properties.s.pattern",
    ],
    [
      "a tool message without a matching call id",
      { tools, messages: [user, { role: "tool", tool_call_id: "call_missing", content: "x" }] },
      "messages.1.tool_call_id",
    ],
    [
      "an assistant call whose arguments are not JSON",
      {
        tools,
        messages: [
          user,
          {
            role: "assistant",
            tool_calls: [{ id: "c1", type: "function", function: { name: "get_time", arguments: "{oops" } }],
          },
          { role: "tool", tool_call_id: "c1", content: "x" },
        ],
      },
      "messages.1.tool_calls.0.function.arguments",
    ],
    [
      "a call left without its tool message",
      {
        tools,
        messages: [
          user,
          {
            role: "assistant",
            tool_calls: [{ id: "c1", type: "function", function: { name: "get_time", arguments: "{}" } }],
          },
          { role: "user", content: "and?" },
        ],
      },
      "messages.2",
    ],
  ])("%s", async (_what, body, param) => {
    const { status, error } = await post(body as Record<string, unknown>);
    expect({ status, param: error.param }).toEqual({ status: 400, param });
  });

  it("a non-strict tool keeps its unenforceable keywords (checked after decoding)", async () => {
    const r = await post({
      max_tokens: 120,
      parallel_tool_calls: false,
      tool_choice: "required",
      tools: [
        {
          type: "function",
          function: {
            name: "f",
            parameters: {
              $schema: "http://json-schema.org/draft-07/schema#",
              type: "object",
              properties: { n: { type: "integer", minimum: 0, maximum: 9 } },
              required: ["n"],
            },
          },
        },
      ],
    });
    // A valid call, a call cut by max_tokens, or the check's own 500: never a 400, never a crash.
    expect([200, 500]).toContain(r.status);
  });
});

describe("a template without a call format (generic syntax, not advertised)", () => {
  let zephyr: RuntimeHandle;
  beforeAll(async () => {
    zephyr = await startRuntime({
      model: await ensureModel("tiny", 1, "zephyr"),
      threads: 1,
      ctxSize: 2048,
      parallel: 1,
    });
  });
  afterAll(() => zephyr.close());

  it("still answers a forced call under the grammar, but does not list tools", async () => {
    const c = new OpenAI({ baseURL: `${zephyr.url}/v1`, apiKey: "unused", maxRetries: 0 });
    const r = await c.chat.completions.create({ ...base, messages: [user], tools, tool_choice: "required" });
    expect(r.choices[0]?.finish_reason).toBe("tool_calls");
    expectValidCalls(r.choices[0]?.message.tool_calls as never);
    const models = (await (await fetch(`${zephyr.url}/v1/models`)).json()) as {
      data: { capabilities: string[] }[];
    };
    expect(models.data[0]?.capabilities).not.toContain("tools");
  });
});
