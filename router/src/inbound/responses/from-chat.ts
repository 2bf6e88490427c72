import type { ChatCompletion, Usage } from "@llm/contracts";
import {
  type FunctionCallItem,
  newItemId,
  type OutputItem,
  type ResponseObject,
  type ResponsesTurn,
  responseShell,
  responseUsage,
  statusOf,
} from "./response-object.js";

/** The assistant message of a chat answer, with the fields translations add beyond OpenAI's. */
interface ChatAnswerMessage {
  content?: string | null;
  reasoning_content?: string | null;
  tool_calls?: { id?: string; function?: { name?: string; arguments?: string } }[];
}

/**
 * A chat completion as the Responses answer of `turn`: a `reasoning` item when the target sent
 * `reasoning_content`, a `message` item with one `output_text` part (left out when the answer
 * is only tool calls), then one `function_call` item per tool call, its `call_id` the chat
 * tool call's id so the client's `function_call_output` finds its way back.
 */
export function responseFromChat(chat: ChatCompletion, turn: ResponsesTurn, usage: Usage): ResponseObject {
  const choice = chat.choices[0];
  const msg = (choice?.message ?? {}) as ChatAnswerMessage;
  const output: OutputItem[] = [];
  if (msg.reasoning_content)
    output.push({
      type: "reasoning",
      id: newItemId("rs"),
      summary: [],
      content: [{ type: "reasoning_text", text: msg.reasoning_content }],
    });
  const calls = msg.tool_calls ?? [];
  if (msg.content || calls.length === 0)
    output.push({
      type: "message",
      id: newItemId("msg"),
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: msg.content ?? "", annotations: [], logprobs: [] }],
    });
  for (const c of calls) output.push(functionCallItem(c.id, c.function?.name, c.function?.arguments));
  const { status, incomplete_details } = statusOf(choice?.finish_reason);
  return {
    ...responseShell(turn, chat.model || turn.request.model, status),
    incomplete_details,
    output,
    usage: responseUsage(usage),
  };
}

/** A finished function_call item; a call without an id (some servers) gets one. */
export function functionCallItem(
  callId: string | undefined,
  name: string | undefined,
  args: string | undefined,
): FunctionCallItem {
  return {
    type: "function_call",
    id: newItemId("fc"),
    call_id: callId || `call_${newItemId("fc").slice(3, 27)}`,
    name: name ?? "",
    arguments: args ?? "",
    status: "completed",
  };
}
