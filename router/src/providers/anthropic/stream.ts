import type { ChatCompletionChunk, FinishReason } from "@llm/contracts";
import { upstreamError } from "../errors.js";
import type { SseEvent } from "../shared/sse.js";
import { thinkingToKeep } from "./signed-thinking.js";
import { type AnthropicBlock, type AnthropicUsage, finishReason, openAIUsage } from "./translate.js";

/**
 * Anthropic streaming events -> OpenAI chat chunks:
 * message_start -> role chunk; content_block_start (tool_use) -> tool call header;
 * content_block_delta text_delta / input_json_delta / thinking_delta -> content / arguments /
 * reasoning_content;
 * message_delta -> finish_reason; message_stop -> a final usage chunk; ping ignored;
 * error -> UpstreamError thrown mid-stream. With `jsonTool` (a json_schema response forced as a
 * tool), that tool's input_json_delta becomes content and other text is dropped. Thinking blocks
 * are reassembled (text, signature_delta, redacted data) and handed to `keep` with the turn's
 * tool_use ids before the last chunk, as a plain answer's are (signed-thinking.ts).
 */
export async function* anthropicToChunks(
  events: AsyncIterable<SseEvent>,
  model: string,
  secrets: (string | undefined)[],
  jsonTool?: string,
  keep?: (entries: [string, string][]) => Promise<void>,
): AsyncGenerator<ChatCompletionChunk> {
  // The turn's blocks as Anthropic numbered them, only what thinkingToKeep reads.
  const blocks: AnthropicBlock[] = [];
  let jsonBlock: number | undefined;
  let id = "chatcmpl-anthropic";
  const created = Math.floor(Date.now() / 1000);
  const usage: AnthropicUsage = {};
  // Anthropic numbers content blocks across text and tool_use; OpenAI numbers tool calls alone.
  const toolIndex = new Map<number, number>();
  let finish: FinishReason | null = null;
  type Delta = ChatCompletionChunk["choices"][number]["delta"] & { reasoning_content?: string };
  const chunk = (delta: Delta, fr: FinishReason | null = null) => ({
    id,
    object: "chat.completion.chunk" as const,
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: fr, logprobs: null }],
  });

  for await (const ev of events) {
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(ev.data) as Record<string, unknown>;
    } catch {
      continue;
    }
    const type = (data.type as string | undefined) ?? ev.event;
    switch (type) {
      case "message_start": {
        const msg = data.message as { id?: string; usage?: AnthropicUsage } | undefined;
        if (msg?.id) id = `chatcmpl-${msg.id}`;
        Object.assign(usage, msg?.usage);
        yield chunk({ role: "assistant", content: "" });
        break;
      }
      case "content_block_start": {
        const block = data.content_block as { type?: string; id?: string; name?: string; text?: string };
        const index = data.index as number;
        if (block?.type === "thinking")
          blocks[index] = { type: "thinking", thinking: (block as { thinking?: string }).thinking ?? "" };
        else if (block?.type === "redacted_thinking" || block?.type === "tool_use")
          blocks[index] = { ...block } as AnthropicBlock;
        if (jsonTool && block?.type === "tool_use" && block.name === jsonTool) jsonBlock = index;
        else if (block?.type === "tool_use") {
          const n = toolIndex.size;
          toolIndex.set(index, n);
          yield chunk({
            tool_calls: [
              { index: n, id: block.id, type: "function", function: { name: block.name, arguments: "" } },
            ],
          });
        } else if (!jsonTool && block?.type === "text" && block.text) yield chunk({ content: block.text });
        break;
      }
      case "content_block_delta": {
        const delta = data.delta as {
          type?: string;
          text?: string;
          partial_json?: string;
          thinking?: string;
        };
        // thinking_delta -> reasoning_content; signature_delta has no OpenAI field: it only goes to `keep`.
        const open = blocks[data.index as number];
        if (open?.type === "thinking" && delta?.type === "thinking_delta")
          open.thinking += delta.thinking ?? "";
        if (open?.type === "thinking" && delta?.type === "signature_delta")
          open.signature = (open.signature ?? "") + ((delta as { signature?: string }).signature ?? "");
        if (delta?.type === "thinking_delta" && delta.thinking)
          yield chunk({ reasoning_content: delta.thinking });
        else if (delta?.type === "text_delta" && delta.text) {
          if (!jsonTool) yield chunk({ content: delta.text });
        } else if (delta?.type === "input_json_delta" && delta.partial_json && data.index === jsonBlock)
          yield chunk({ content: delta.partial_json });
        else if (delta?.type === "input_json_delta" && delta.partial_json) {
          const n = toolIndex.get(data.index as number) ?? 0;
          yield chunk({ tool_calls: [{ index: n, function: { arguments: delta.partial_json } }] });
        }
        break;
      }
      case "message_delta": {
        const delta = data.delta as { stop_reason?: string | null } | undefined;
        Object.assign(usage, data.usage as AnthropicUsage | undefined);
        finish =
          jsonBlock !== undefined && delta?.stop_reason === "tool_use"
            ? "stop"
            : (finishReason(delta?.stop_reason) ?? "stop");
        yield chunk({}, finish);
        break;
      }
      case "message_stop": {
        if (keep) await keep(thinkingToKeep(blocks.filter(Boolean)));
        yield {
          id,
          object: "chat.completion.chunk",
          created,
          model,
          choices: [],
          usage: openAIUsage(usage),
        };
        return;
      }
      case "error":
        throw upstreamError({ provider: "anthropic", status: 200, body: data, secrets });
      default:
        break; // ping, content_block_stop, and event types added later
    }
  }
}
