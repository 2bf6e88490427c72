import type { ChatCompletionChunk } from "@llm/contracts";
import { fromChatAnswer, messagesUsage, stopReasonOf } from "../../../src/inbound/messages/from-chat.js";
import type { MessagesRequest } from "../../../src/inbound/messages/schema.js";
import { messagesErrorFrames, messagesStream } from "../../../src/inbound/messages/stream.js";
import { effortOf, toChatRequest } from "../../../src/inbound/messages/to-chat.js";

const req = (extra: Partial<MessagesRequest> = {}): MessagesRequest => ({
  model: "m",
  max_tokens: 16,
  messages: [{ role: "user", content: "hi" }],
  ...extra,
});

const chunk = (delta: object, finish: string | null = null): ChatCompletionChunk =>
  ({
    id: "c",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [{ index: 0, delta, finish_reason: finish }],
  }) as ChatCompletionChunk;

describe("Messages <-> chat translation", () => {
  it.each([
    ["length", undefined, [], "max_tokens", null],
    ["tool_calls", undefined, [], "tool_use", null],
    ["content_filter", undefined, [], "refusal", null],
    ["stop", undefined, ["END"], "end_turn", null],
    ["stop", "END", ["END"], "stop_sequence", "END"],
    ["stop", "OTHER", ["END"], "end_turn", null],
  ] as const)("finish_reason %s (matched %s) -> stop_reason", (finish, matched, stops, reason, seq) => {
    expect(stopReasonOf(finish, matched, { stop_sequences: [...stops] })).toEqual({
      stop_reason: reason,
      stop_sequence: seq,
    });
  });

  it("reports cache reads and writes apart from input_tokens, as Anthropic does", () => {
    const usage = {
      prompt_tokens: 100,
      completion_tokens: 5,
      total_tokens: 105,
      prompt_tokens_details: { cached_tokens: 60 },
      cache_creation_input_tokens: 30,
    };
    expect(messagesUsage(usage)).toEqual({
      input_tokens: 10,
      output_tokens: 5,
      cache_read_input_tokens: 60,
      cache_creation_input_tokens: 30,
    });
  });

  it("maps a thinking budget to the nearest reasoning effort", () => {
    expect([1024, 4095, 4096, 16383, 16384, 31999].map(effortOf)).toEqual([
      "low",
      "low",
      "medium",
      "medium",
      "high",
      "high",
    ]);
    expect(toChatRequest(req({ thinking: { type: "adaptive" } })).reasoning_effort).toBeUndefined();
    expect(
      toChatRequest(req({ output_config: { format: { type: "json_schema", schema: { type: "object" } } } }))
        .response_format,
    ).toEqual({
      type: "json_schema",
      json_schema: { name: "output", schema: { type: "object" }, strict: true },
    });
  });

  it("keeps malformed tool arguments under `arguments` rather than failing the answer", () => {
    const msg = fromChatAnswer(
      {
        id: "c",
        object: "chat.completion",
        created: 1,
        model: "m",
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: null,
              tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{oops" } }],
            },
            finish_reason: "tool_calls",
          },
        ],
      },
      req(),
      { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    ) as { content: unknown[] };
    expect(msg.content).toEqual([
      { type: "tool_use", id: "call_1", name: "f", input: { arguments: "{oops" } },
    ]);
  });

  it("streams reasoning, text and two tool calls as sequential blocks", () => {
    const t = messagesStream(req(), "m");
    const frames = [
      ...t.chunk(chunk({ role: "assistant", content: "" })),
      ...t.chunk(chunk({ reasoning_content: "hmm" })),
      ...t.chunk(chunk({ content: "Sure." })),
      ...t.chunk(
        chunk({
          tool_calls: [{ index: 0, id: "a", type: "function", function: { name: "f", arguments: "" } }],
        }),
      ),
      ...t.chunk(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":1}' } }] })),
      ...t.chunk(
        chunk({
          tool_calls: [{ index: 1, id: "b", type: "function", function: { name: "g", arguments: "{}" } }],
        }),
      ),
      ...t.chunk(chunk({}, "tool_calls")),
      ...t.end({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }),
    ];
    const seq = frames.map((f) => {
      const d = JSON.parse(f.data) as {
        type: string;
        index?: number;
        content_block?: { type: string };
        delta?: { type?: string };
      };
      expect(d.type).toBe(f.event);
      return [f.event, d.index, d.content_block?.type ?? d.delta?.type]
        .filter((x) => x !== undefined)
        .join(":");
    });
    expect(seq).toEqual([
      "message_start",
      "ping",
      "content_block_start:0:thinking",
      "content_block_delta:0:thinking_delta",
      "content_block_stop:0",
      "content_block_start:1:text",
      "content_block_delta:1:text_delta",
      "content_block_stop:1",
      "content_block_start:2:tool_use",
      "content_block_delta:2:input_json_delta",
      "content_block_stop:2",
      "content_block_start:3:tool_use",
      "content_block_delta:3:input_json_delta",
      "content_block_stop:3",
      "message_delta",
      "message_stop",
    ]);
    expect(JSON.parse(frames.at(-2)!.data)).toEqual({
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: {
        input_tokens: 3,
        output_tokens: 4,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
  });

  it("still opens and closes the message when the upstream sent nothing", () => {
    const frames = messagesStream(req(), "m").end({
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
    });
    expect(frames.map((f) => f.event)).toEqual(["message_start", "ping", "message_delta", "message_stop"]);
    expect(messagesErrorFrames({ status: 429, message: "slow down" } as never)).toEqual([
      {
        event: "error",
        data: JSON.stringify({ type: "error", error: { type: "rate_limit_error", message: "slow down" } }),
      },
    ]);
  });
});
