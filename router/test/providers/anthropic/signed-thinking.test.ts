import { assistantCallIds, thinkingToKeep } from "../../../src/providers/anthropic/signed-thinking.js";
import { anthropicToChunks } from "../../../src/providers/anthropic/stream.js";
import type { AnthropicBlock } from "../../../src/providers/anthropic/translate.js";
import { toAnthropicRequest } from "../../../src/providers/anthropic/translate.js";

const tool = (id: string): AnthropicBlock => ({ type: "tool_use", id, name: "f", input: {} });

describe("signed thinking blocks", () => {
  it("keeps signed and redacted thinking under every tool_use id of a turn that called tools", () => {
    const blocks: AnthropicBlock[] = [
      { type: "thinking", thinking: "plan", signature: "s1" },
      { type: "redacted_thinking", data: "ENCRYPTED" },
      { type: "text", text: "calling" },
      tool("toolu_a"),
      tool("toolu_b"),
    ];
    const value = JSON.stringify([blocks[0], blocks[1]]);
    expect(thinkingToKeep(blocks)).toEqual([
      ["toolu_a", value],
      ["toolu_b", value],
    ]);
  });

  it("keeps nothing for a turn without tools or without signed thinking", () => {
    expect(
      thinkingToKeep([
        { type: "thinking", thinking: "x", signature: "s" },
        { type: "text", text: "hi" },
      ]),
    ).toEqual([]);
    expect(thinkingToKeep([{ type: "thinking", thinking: "unsigned" }, tool("toolu_a")])).toEqual([]);
  });

  it("puts kept blocks back only when thinking is on, first in the assistant turn", () => {
    const req = {
      model: "c",
      messages: [
        { role: "user" as const, content: "q" },
        {
          role: "assistant" as const,
          content: null,
          tool_calls: [
            { id: "toolu_a", type: "function" as const, function: { name: "f", arguments: "{}" } },
          ],
        },
        { role: "tool" as const, tool_call_id: "toolu_a", content: "r" },
      ],
    };
    expect(assistantCallIds(req)).toEqual(["toolu_a"]);
    const kept = new Map([["toolu_a", [{ type: "redacted_thinking" as const, data: "ENCRYPTED" }]]]);
    const on = toAnthropicRequest({ ...req, reasoning_effort: "low" }, "claude-sonnet-4-5", 4096, {
      thinking: kept,
    });
    expect(on.messages[1]!.content).toEqual([
      { type: "redacted_thinking", data: "ENCRYPTED" },
      tool("toolu_a"),
    ]);
    const off = toAnthropicRequest(req, "claude-sonnet-4-5", 4096, { thinking: kept });
    expect(off.messages[1]!.content).toEqual([tool("toolu_a")]);
  });

  it("reassembles streamed thinking (deltas, signature_delta, redacted data) and hands it to keep before the end", async () => {
    const ev = (data: Record<string, unknown>) => ({ event: String(data.type), data: JSON.stringify(data) });
    const events = [
      ev({ type: "message_start", message: { id: "m", usage: { input_tokens: 1 } } }),
      ev({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } }),
      ev({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "pl" } }),
      ev({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "an" } }),
      ev({ type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "s1" } }),
      ev({
        type: "content_block_start",
        index: 1,
        content_block: { type: "redacted_thinking", data: "ENC" },
      }),
      ev({
        type: "content_block_start",
        index: 2,
        content_block: { type: "tool_use", id: "toolu_a", name: "f" },
      }),
      ev({ type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 3 } }),
      ev({ type: "message_stop" }),
    ];
    async function* source() {
      yield* events;
    }
    const kept: [string, string][][] = [];
    let keptBeforeLast = false;
    for await (const c of anthropicToChunks(source(), "claude", [], undefined, async (e) => {
      kept.push(e);
    }))
      if (c.usage) keptBeforeLast = kept.length === 1;
    expect(keptBeforeLast).toBe(true);
    expect(kept[0]).toEqual([
      [
        "toolu_a",
        JSON.stringify([
          { type: "thinking", thinking: "plan", signature: "s1" },
          { type: "redacted_thinking", data: "ENC" },
        ]),
      ],
    ]);
  });
});
