import {
  type ChatCompletionRequest,
  type ChatMessage,
  type ContentPart,
  chatCompletionRequest,
  HttpError,
  parseBody,
} from "@llm/contracts";
import type { ResponsesContentPart, ResponsesInputItem, ResponsesRequest } from "./schema.js";

/** The request's `input` as items: a string is one user message (as OpenAI reads it). */
export function inputItems(input: ResponsesRequest["input"]): ResponsesInputItem[] {
  if (input === undefined) return [];
  return typeof input === "string" ? [{ type: "message", role: "user", content: input }] : input;
}

type AssistantMessage = Extract<ChatMessage, { role: "assistant" }>;
type ToolCall = NonNullable<AssistantMessage["tool_calls"]>[number];

function bad(param: string, message: string): HttpError {
  return new HttpError(400, `${param}: ${message}`, { param, code: "unsupported_parameter" });
}

/** Text of parts (input_text, output_text, refusal); images refused where chat has no place for them. */
function textOf(parts: string | ResponsesContentPart[], param: string): string {
  if (typeof parts === "string") return parts;
  return parts
    .map((p, j) => {
      if (p.type === "input_image")
        throw bad(`${param}.${j}.type`, "images are accepted in user messages only");
      return p.type === "refusal" ? p.refusal : p.text;
    })
    .join("");
}

function userContent(parts: string | ResponsesContentPart[], param: string): string | ContentPart[] {
  if (typeof parts === "string") return parts;
  // Text only: one string, which every OpenAI-compatible server takes (not all take part arrays).
  if (!parts.some((p) => p.type === "input_image")) return textOf(parts, param);
  return parts.map((p, j): ContentPart => {
    if (p.type !== "input_image") return { type: "text", text: p.type === "refusal" ? p.refusal : p.text };
    if (!p.image_url)
      throw bad(`${param}.${j}.file_id`, "images by file_id are stored at OpenAI; send image_url");
    const detail = p.detail === "original" ? "high" : p.detail;
    return { type: "image_url", image_url: detail ? { url: p.image_url, detail } : { url: p.image_url } };
  });
}

/**
 * The conversation as chat messages: `instructions` first (a system message), then each item.
 * A `function_call` joins the assistant message just before it (chat wants one assistant message
 * carrying every call, followed by their `tool` results); `function_call_output` becomes a
 * `tool` message. Reasoning items are dropped: chat has no input field for earlier reasoning, and
 * a target re-reasons from the conversation anyway. The first `history` items came from the
 * stored conversation: errors name the request's own `input.N` after them.
 */
export function chatMessages(
  instructions: string | null | undefined,
  items: ResponsesInputItem[],
  history = 0,
): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (instructions) out.push({ role: "system", content: instructions });
  for (const [i, item] of items.entries()) {
    const param = i < history ? "previous_response_id" : `input.${i - history}`;
    if (item.type === "reasoning") continue;
    if (item.type === "function_call") {
      const call: ToolCall = {
        id: item.call_id,
        type: "function",
        function: { name: item.name, arguments: item.arguments },
      };
      const last = out[out.length - 1];
      if (last?.role === "assistant") last.tool_calls = [...(last.tool_calls ?? []), call];
      else out.push({ role: "assistant", content: null, tool_calls: [call] });
      continue;
    }
    if (item.type === "function_call_output") {
      out.push({ role: "tool", tool_call_id: item.call_id, content: textOf(item.output, `${param}.output`) });
      continue;
    }
    const content = `${param}.content`;
    if (item.role === "user") out.push({ role: "user", content: userContent(item.content, content) });
    else if (item.role === "assistant")
      out.push({ role: "assistant", content: textOf(item.content, content) });
    else out.push({ role: item.role, content: textOf(item.content, content) });
  }
  return out;
}

/** Responses' reasoning effort as chat's `reasoning_effort` (`none` asks for none; `xhigh` is chat's `high`). */
function reasoningEffort(r: ResponsesRequest["reasoning"]): ChatCompletionRequest["reasoning_effort"] {
  const e = r?.effort;
  if (!e || e === "none") return undefined;
  return e === "xhigh" ? "high" : e;
}

/**
 * The internal chat-completions body of a Responses turn whose conversation is `items` (the
 * stored history, then this request's input): what routing profiles and every translated target
 * (clusters, OpenAI-compatible servers, Anthropic, Gemini) get. Fields chat has no place for
 * (`include`, `prompt_cache_key`, `truncation`, `text.verbosity`, `metadata`, `store`, …) stay
 * behind; the README's table lists each.
 */
export function toChatRequest(
  req: ResponsesRequest,
  items: ResponsesInputItem[],
  history = 0,
): ChatCompletionRequest {
  const messages = chatMessages(req.instructions, items, history);
  if (messages.length === 0)
    throw new HttpError(400, "input: the request has no input (and no previous_response_id)", {
      param: "input",
      code: "invalid_request",
    });
  const chat: Record<string, unknown> = { model: req.model, messages };
  if (req.stream) chat.stream = true;
  if (req.max_output_tokens != null) chat.max_tokens = req.max_output_tokens;
  if (req.temperature != null) chat.temperature = req.temperature;
  if (req.top_p != null) chat.top_p = req.top_p;
  if (req.user !== undefined) chat.user = req.user;
  const effort = reasoningEffort(req.reasoning);
  if (effort) chat.reasoning_effort = effort;
  if (req.tools && req.tools.length > 0) {
    chat.tools = req.tools.map((t) => ({
      type: "function",
      function: {
        name: t.name,
        ...(t.description ? { description: t.description } : {}),
        ...(t.parameters ? { parameters: t.parameters } : {}),
        ...(t.strict != null ? { strict: t.strict } : {}),
      },
    }));
    if (req.parallel_tool_calls != null) chat.parallel_tool_calls = req.parallel_tool_calls;
  }
  const tc = req.tool_choice;
  // Chat refuses a tool_choice without tools (OpenAI: "only allowed when tools are specified").
  if (tc !== undefined && chat.tools)
    chat.tool_choice = typeof tc === "string" ? tc : { type: "function", function: { name: tc.name } };
  const format = req.text?.format;
  if (format?.type === "json_object") chat.response_format = { type: "json_object" };
  else if (format?.type === "json_schema")
    chat.response_format = {
      type: "json_schema",
      json_schema: {
        name: format.name,
        schema: format.schema,
        ...(format.description ? { description: format.description } : {}),
        ...(format.strict != null ? { strict: format.strict } : {}),
      },
    };
  // The chat schema is the contract every target's adapter reads; parsing here makes a translation
  // bug a named 400 instead of an upstream surprise.
  return parseBody(chatCompletionRequest, chat);
}
