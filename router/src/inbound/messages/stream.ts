import type { ChatCompletionChunk, FinishReason, HttpError, Usage } from "@llm/contracts";
import { anthropicErrorType } from "../../http/error-format.js";
import type { UpstreamError } from "../../providers/types.js";
import type { ChunkTranslator, SseFrame } from "../shared/inbound-api.js";
import { matchedStop, messageId, messagesUsage, stopReasonOf } from "./from-chat.js";
import type { MessagesRequest } from "./schema.js";

const frame = (event: string, data: object): SseFrame => ({
  event,
  data: JSON.stringify({ type: event, ...data }),
});

type Open = { kind: "text" } | { kind: "thinking" } | { kind: "tool"; call: number };

/**
 * A chat chunk stream -> Anthropic's event sequence (docs.claude.com/en/docs/build-with-claude/streaming):
 * `message_start`, a `ping`, then per content block `content_block_start`, its deltas
 * (`thinking_delta` from reasoning_content, `text_delta` from content, `input_json_delta` from a
 * tool call's argument fragments) and `content_block_stop`; at the end `message_delta` with
 * stop_reason and the whole usage, and `message_stop`. Blocks are sequential, as Anthropic's are:
 * a new kind of delta closes the open block. Parallel tool calls are expected one after another
 * (as OpenAI, llama.cpp and our runtime stream them); a fragment for an earlier call arriving after
 * a later one started would open a block of its own.
 */
export function messagesStream(req: MessagesRequest, model: string): ChunkTranslator {
  const id = messageId();
  let started = false;
  let index = -1;
  let open: Open | undefined;
  let finish: FinishReason | null = null;
  let matched: string | undefined;

  const start = (out: SseFrame[]) => {
    if (started) return;
    started = true;
    out.push(
      frame("message_start", {
        message: {
          id,
          type: "message",
          role: "assistant",
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      }),
      frame("ping", {}),
    );
  };
  const close = (out: SseFrame[]) => {
    if (open) out.push(frame("content_block_stop", { index }));
    open = undefined;
  };
  const begin = (out: SseFrame[], next: Open, block: object) => {
    close(out);
    index++;
    open = next;
    out.push(frame("content_block_start", { index, content_block: block }));
  };

  return {
    chunk(c: ChatCompletionChunk): SseFrame[] {
      const out: SseFrame[] = [];
      start(out);
      for (const choice of c.choices ?? []) {
        const d = choice.delta ?? {};
        if (d.reasoning_content) {
          if (open?.kind !== "thinking")
            begin(out, { kind: "thinking" }, { type: "thinking", thinking: "", signature: "" });
          out.push(
            frame("content_block_delta", {
              index,
              delta: { type: "thinking_delta", thinking: d.reasoning_content },
            }),
          );
        }
        if (typeof d.content === "string" && d.content.length > 0) {
          if (open?.kind !== "text") begin(out, { kind: "text" }, { type: "text", text: "" });
          out.push(frame("content_block_delta", { index, delta: { type: "text_delta", text: d.content } }));
        }
        for (const call of d.tool_calls ?? []) {
          const current = open?.kind === "tool" && open.call === call.index;
          if (!current)
            begin(
              out,
              { kind: "tool", call: call.index },
              {
                type: "tool_use",
                id: call.id ?? `toolu_${id.slice(4)}_${call.index}`,
                name: call.function?.name ?? "",
                input: {},
              },
            );
          const args = call.function?.arguments;
          if (args)
            out.push(
              frame("content_block_delta", {
                index,
                delta: { type: "input_json_delta", partial_json: args },
              }),
            );
        }
        if (choice.finish_reason) {
          finish = choice.finish_reason;
          matched = matchedStop(choice);
        }
      }
      return out;
    },
    end(usage: Usage): SseFrame[] {
      const out: SseFrame[] = [];
      start(out);
      close(out);
      out.push(
        frame("message_delta", {
          delta: stopReasonOf(finish, matched, req),
          usage: messagesUsage(usage),
        }),
        frame("message_stop", {}),
      );
      return out;
    },
  };
}

/** The event that ends a Messages stream after a mid-stream failure, in Anthropic's error shape. */
export function messagesErrorFrames(err: UpstreamError | HttpError): SseFrame[] {
  return [frame("error", { error: { type: anthropicErrorType(err.status), message: err.message } })];
}
