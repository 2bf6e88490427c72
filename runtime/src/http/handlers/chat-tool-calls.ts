/** Tool calls in the OpenAI chat wire format: `message.tool_calls` and streamed `delta.tool_calls`. */
import type { ChatCompletion, ChatCompletionChunk, FinishReason } from "@llm/contracts";
import { parseToolOutput, ToolCallStream, type ToolOutputEvent } from "../../inference/tools/parser.js";
import type { ToolPlan } from "../../inference/tools/plan.js";

type Message = ChatCompletion["choices"][0]["message"];
type Delta = ChatCompletionChunk["choices"][0]["delta"];

/** OpenAI's finish reason: `tool_calls` when the turn ended in calls, `length` when one was cut. */
function finishOf(reason: "stop" | "length", calls: number): FinishReason {
  return calls > 0 && reason === "stop" ? "tool_calls" : reason;
}

/** The assistant message of a finished output: content before the calls (null when there is none) and the calls. */
export function toolCallMessage(plan: ToolPlan, text: string, reason: "stop" | "length") {
  const { content, calls } = parseToolOutput(plan.syntax, text);
  const message: Message = {
    role: "assistant",
    content: calls.length > 0 && !content ? null : content,
    refusal: null,
  };
  if (calls.length > 0) {
    message.tool_calls = calls.map((c) => ({
      id: c.id,
      type: "function",
      function: { name: c.name, arguments: c.arguments },
    }));
  }
  return { message, finishReason: finishOf(reason, calls.length), calls: calls.length };
}

function deltaOf(e: ToolOutputEvent): Delta {
  if (e.type === "text") return { content: e.text };
  if (e.type === "call") {
    return {
      tool_calls: [{ index: e.index, id: e.id, type: "function", function: { name: e.name, arguments: "" } }],
    };
  }
  return { tool_calls: [{ index: e.index, function: { arguments: e.text } }] };
}

/**
 * One choice's stream: raw model text in, OpenAI deltas out, exactly as OpenAI streams calls (the
 * first delta of a call has its id, type and name with empty arguments; `arguments` fragments follow),
 * which is what the official SDK's `chat.completions.stream()` and `runTools` reassemble.
 */
export class ToolDeltaStream {
  private readonly parser: ToolCallStream;

  constructor(plan: ToolPlan) {
    this.parser = new ToolCallStream(plan.syntax);
  }

  push(text: string): Delta[] {
    return this.parser.push(text).map(deltaOf);
  }

  /** Deltas still held back, and the choice's finish reason. */
  end(reason: "stop" | "length"): { deltas: Delta[]; finishReason: FinishReason; calls: number } {
    const deltas = this.parser.end().map(deltaOf);
    return { deltas, finishReason: finishOf(reason, this.parser.callCount), calls: this.parser.callCount };
  }
}
