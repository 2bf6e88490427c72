import { type ReplayEvent, registerReplayFormat, type StreamCollector } from "../../cache/replay-format.js";
import type { SseFrame } from "../shared/inbound-api.js";
import { messageId } from "./from-chat.js";

/**
 * The response cache's replay format for `/v1/messages` (cache/replay-format.ts): a streamed
 * miss's events are folded into the Message they describe (as the official SDK's MessageStream
 * accumulates them), and a stored Message replays as Anthropic's event sequence. Hits get a fresh
 * `msg_` id, as every answer has its own.
 */

type Block = Record<string, unknown> & { type: string };
type Message = Record<string, unknown> & { content: Block[]; usage?: Record<string, unknown> };

const ev = (event: string, data: object): ReplayEvent => ({
  event,
  data: JSON.stringify({ type: event, ...data }),
});

function collector(): StreamCollector {
  let message: Message | undefined;
  const json = new Map<number, string>();
  let complete = false;
  const apply = (d: Record<string, unknown>) => {
    const index = d.index as number;
    switch (d.type) {
      case "message_start":
        message = { ...(d.message as Message), content: [] };
        break;
      case "content_block_start":
        if (message) message.content[index] = { ...(d.content_block as Block) };
        break;
      case "content_block_delta": {
        const b = message?.content[index];
        const delta = d.delta as Record<string, unknown>;
        if (!b) break;
        if (delta.type === "text_delta") b.text = `${b.text ?? ""}${delta.text}`;
        else if (delta.type === "thinking_delta") b.thinking = `${b.thinking ?? ""}${delta.thinking}`;
        else if (delta.type === "signature_delta") b.signature = delta.signature;
        else if (delta.type === "input_json_delta")
          json.set(index, (json.get(index) ?? "") + delta.partial_json);
        else if (delta.type === "citations_delta")
          b.citations = [...((b.citations as unknown[]) ?? []), delta.citation];
        break;
      }
      case "content_block_stop": {
        const b = message?.content[index];
        const text = json.get(index);
        if (b && text !== undefined) b.input = text ? JSON.parse(text) : {};
        break;
      }
      case "message_delta":
        if (!message) break;
        Object.assign(message, d.delta as object);
        message.usage = { ...message.usage, ...(d.usage as object) };
        break;
      case "message_stop":
        complete = true;
        break;
    }
  };
  return {
    add(item) {
      for (const f of (item as { frames?: SseFrame[] }).frames ?? []) {
        try {
          apply(JSON.parse(f.data) as Record<string, unknown>);
        } catch {
          message = undefined; // unreadable: never stored
        }
      }
    },
    answer: () => (complete && message ? message : undefined),
  };
}

function* replay(answer: object): Iterable<ReplayEvent> {
  const m = answer as Message;
  const { content, stop_reason, stop_sequence, usage, ...head } = m;
  yield ev("message_start", {
    message: { ...head, id: messageId(), content: [], stop_reason: null, stop_sequence: null, usage },
  });
  yield ev("ping", {});
  for (const [index, b] of (content ?? []).entries()) {
    if (b.type === "text") {
      yield ev("content_block_start", { index, content_block: { ...b, text: "" } });
      yield ev("content_block_delta", { index, delta: { type: "text_delta", text: b.text } });
    } else if (b.type === "thinking") {
      yield ev("content_block_start", {
        index,
        content_block: { type: "thinking", thinking: "", signature: "" },
      });
      yield ev("content_block_delta", { index, delta: { type: "thinking_delta", thinking: b.thinking } });
      if (b.signature)
        yield ev("content_block_delta", {
          index,
          delta: { type: "signature_delta", signature: b.signature },
        });
    } else if (b.type === "tool_use") {
      yield ev("content_block_start", { index, content_block: { ...b, input: {} } });
      yield ev("content_block_delta", {
        index,
        delta: { type: "input_json_delta", partial_json: JSON.stringify(b.input ?? {}) },
      });
    } else yield ev("content_block_start", { index, content_block: b });
    yield ev("content_block_stop", { index });
  }
  yield ev("message_delta", { delta: { stop_reason, stop_sequence: stop_sequence ?? null }, usage });
  yield ev("message_stop", {});
}

registerReplayFormat("messages", {
  collector,
  replay,
  rewrite: (answer) => ({ ...answer, id: messageId() }),
});
