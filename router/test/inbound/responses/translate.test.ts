import type { ChatCompletionChunk } from "@llm/contracts";
import { nativeInput } from "../../../src/inbound/responses/native.js";
import { parseResponsesRequest } from "../../../src/inbound/responses/schema.js";
import { ResponsesStreamTranslator } from "../../../src/inbound/responses/stream.js";
import { inputItems, toChatRequest } from "../../../src/inbound/responses/to-chat.js";

const chatOf = (body: Record<string, unknown>) => {
  const req = parseResponsesRequest({ model: "m", ...body });
  return toChatRequest(req, inputItems(req.input));
};

describe("Responses -> chat translation", () => {
  it.each([
    [
      "text.format json_schema as response_format",
      {
        input: "x",
        text: { format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true } },
      },
      {
        response_format: {
          type: "json_schema",
          json_schema: { name: "out", schema: { type: "object" }, strict: true },
        },
      },
    ],
    [
      "json_object",
      { input: "x", text: { format: { type: "json_object" } } },
      { response_format: { type: "json_object" } },
    ],
    [
      "reasoning.effort",
      { input: "x", reasoning: { effort: "xhigh", summary: "auto" } },
      { reasoning_effort: "high" },
    ],
    [
      "a function tool_choice",
      { input: "x", tools: [{ type: "function", name: "f" }], tool_choice: { type: "function", name: "f" } },
      {
        tools: [{ type: "function", function: { name: "f" } }],
        tool_choice: { type: "function", function: { name: "f" } },
      },
    ],
    ["user and top_p", { input: "x", user: "u1", top_p: 0.5 }, { user: "u1", top_p: 0.5 }],
  ])("maps %s", (_name, body, expected) => {
    expect(chatOf(body)).toMatchObject(expected);
  });

  it("leaves behind what chat has no place for (include, prompt_cache_key, truncation, verbosity, metadata, store, tool settings without tools)", () => {
    const chat = chatOf({
      input: "x",
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "k",
      truncation: "auto",
      text: { verbosity: "low" },
      metadata: { a: "b" },
      store: true,
      reasoning: { effort: "none" },
      parallel_tool_calls: true,
      tool_choice: "auto",
    });
    expect(chat).toEqual({ model: "m", messages: [{ role: "user", content: "x" }] });
  });

  it("maps parts: input_text and input_image for users, output_text for the assistant, developer and system roles", () => {
    const chat = chatOf({
      input: [
        { role: "developer", content: [{ type: "input_text", text: "rules" }] },
        {
          role: "user",
          content: [
            { type: "input_text", text: "look" },
            { type: "input_image", image_url: "https://x/y.png", detail: "low" },
          ],
        },
        {
          type: "message",
          role: "assistant",
          id: "msg_1",
          status: "completed",
          content: [{ type: "output_text", text: "seen", annotations: [] }],
        },
        { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "hmm" }] },
      ],
    });
    expect(chat.messages).toEqual([
      { role: "developer", content: "rules" },
      {
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "image_url", image_url: { url: "https://x/y.png", detail: "low" } },
        ],
      },
      { role: "assistant", content: "seen" },
    ]);
  });

  it("sends a native target only reasoning items it can continue (with encrypted_content), without item ids", () => {
    const req = parseResponsesRequest({
      model: "m",
      input: [
        { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "gAAA" },
        { type: "reasoning", id: "rs_2", summary: [], content: [{ type: "reasoning_text", text: "local" }] },
        { type: "function_call", id: "fc_1", call_id: "c1", name: "f", arguments: "{}" },
        { type: "function_call_output", id: "fco_1", call_id: "c1", output: "ok" },
      ],
    });
    expect(nativeInput(inputItems(req.input))).toEqual([
      { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "gAAA" },
      { type: "function_call", call_id: "c1", name: "f", arguments: "{}" },
      { type: "function_call_output", call_id: "c1", output: "ok" },
    ]);
  });
});

describe("chat stream -> Responses events", () => {
  const turn = {
    id: "resp_1",
    createdAt: 1,
    request: parseResponsesRequest({ model: "m", input: "x" }),
    store: true,
  };
  const chunk = (delta: object, finish: string | null = null) =>
    ({
      id: "c",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta, finish_reason: finish }],
    }) as ChatCompletionChunk;

  it("ends a stream cut by max_output_tokens with response.incomplete (reason max_output_tokens)", () => {
    const t = new ResponsesStreamTranslator(turn, "m");
    const frames = [...t.chunk(chunk({ content: "ab" })), ...t.chunk(chunk({}, "length"))];
    frames.push(...t.end({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }));
    const last = JSON.parse(frames.at(-1)!.data);
    expect(frames.at(-1)?.event).toBe("response.incomplete");
    expect(last.response).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
    });
    expect(frames.map((f) => JSON.parse(f.data).sequence_number)).toEqual(frames.map((_, i) => i));
  });

  it("answers an empty stream with one empty message, as the JSON path does", () => {
    const t = new ResponsesStreamTranslator(turn, "m");
    const frames = t.end({ prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 });
    expect(frames.map((f) => f.event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
  });
});
