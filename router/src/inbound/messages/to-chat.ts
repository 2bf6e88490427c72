import { type ChatCompletionRequest, type ChatMessage, HttpError } from "@llm/contracts";
import type {
  CountTokensRequest,
  MessagesBlock,
  MessagesMessage,
  MessagesRequest,
  ToolResultBlock,
} from "./schema.js";

type ContentPart = Exclude<Extract<ChatMessage, { role: "user" }>["content"], string>[number];
type TextPart = Extract<ContentPart, { type: "text" }>;

/**
 * Anthropic Messages request -> the internal OpenAI chat-completions body, for cluster and
 * OpenAI-compatible targets:
 * - `system` -> a system message (text blocks keep their cache breakpoints);
 * - user text/image blocks -> content parts; `tool_result` blocks -> `tool` messages (placed
 *   first, since they answer the previous assistant turn; `is_error` is said in the text, chat
 *   has no field for it);
 * - assistant text -> content, `tool_use` -> `tool_calls`; earlier `thinking` blocks are dropped
 *   (Anthropic itself strips them from the context of later turns);
 * - `stop_sequences` -> `stop`, `metadata.user_id` -> `user`, `output_config.effort` (else a
 *   `thinking` budget) -> `reasoning_effort` (xhigh/max -> high; adaptive thinking leaves the
 *   target's default), `output_config.format` -> a json_schema `response_format`,
 *   `tool_choice` any -> required, tool -> a named function, `disable_parallel_tool_use` ->
 *   `parallel_tool_calls: false`. `top_k` is added per target (api.ts: only targets listing it).
 */
export function toChatRequest(req: MessagesRequest | CountTokensRequest): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  if (req.system !== undefined) {
    if (typeof req.system === "string") {
      if (req.system.length > 0) messages.push({ role: "system", content: req.system });
    } else if (req.system.length > 0) messages.push({ role: "system", content: req.system.map(textPart) });
  }
  req.messages.forEach((m, i) => {
    messages.push(...(m.role === "user" ? userMessages(m, i) : assistantMessages(m, i)));
  });
  const chat: ChatCompletionRequest = { model: req.model, messages };
  if ("max_tokens" in req) {
    chat.max_tokens = req.max_tokens;
    if (req.stop_sequences?.length) chat.stop = req.stop_sequences;
    if (req.temperature !== undefined) chat.temperature = req.temperature;
    if (req.top_p !== undefined) chat.top_p = req.top_p;
    if (req.metadata?.user_id) chat.user = req.metadata.user_id;
    if (req.stream) chat.stream = true;
  }
  if (req.tools?.length)
    chat.tools = req.tools.map((t) => ({
      type: "function",
      function: {
        name: t.name,
        ...(t.description !== undefined ? { description: t.description } : {}),
        parameters: t.input_schema,
        ...(t.strict !== undefined ? { strict: t.strict } : {}),
      },
      ...(t.cache_control ? { cache_control: t.cache_control } : {}),
    }));
  const choice = req.tool_choice;
  if (choice) {
    if (choice.type === "auto") chat.tool_choice = "auto";
    else if (choice.type === "any") chat.tool_choice = "required";
    else if (choice.type === "none") chat.tool_choice = "none";
    else chat.tool_choice = { type: "function", function: { name: choice.name } };
    if (choice.type !== "none" && choice.disable_parallel_tool_use) chat.parallel_tool_calls = false;
  }
  const effort = req.output_config?.effort;
  if (effort) chat.reasoning_effort = effort === "low" || effort === "medium" ? effort : "high";
  else if (req.thinking?.type === "enabled") chat.reasoning_effort = effortOf(req.thinking.budget_tokens);
  const format = req.output_config?.format;
  if (format)
    chat.response_format = {
      type: "json_schema",
      json_schema: { name: "output", schema: format.schema, strict: true },
    };
  return chat;
}

/**
 * A thinking budget -> reasoning_effort: the inverse of the figures the Anthropic adapter uses for
 * the other direction (1K low, 8K medium, 24K high), so a budget maps to the nearest effort.
 */
export function effortOf(budget: number): "low" | "medium" | "high" {
  if (budget < 4096) return "low";
  if (budget < 16384) return "medium";
  return "high";
}

function textPart(b: {
  text: string;
  cache_control?: { type: "ephemeral"; ttl?: "5m" | "1h" } | null;
}): TextPart {
  return b.cache_control
    ? { type: "text", text: b.text, cache_control: b.cache_control }
    : { type: "text", text: b.text };
}

function imagePart(b: Extract<MessagesBlock, { type: "image" }>): ContentPart {
  const url =
    b.source.type === "base64" ? `data:${b.source.media_type};base64,${b.source.data}` : b.source.url;
  return { type: "image_url", image_url: { url } };
}

function userMessages(m: MessagesMessage, i: number): ChatMessage[] {
  if (typeof m.content === "string") return [{ role: "user", content: m.content }];
  const tools: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  m.content.forEach((b, j) => {
    if (b.type === "text") parts.push(textPart(b));
    else if (b.type === "image") parts.push(imagePart(b));
    else if (b.type === "tool_result") tools.push(toolMessage(b, `messages.${i}.content.${j}`));
    else
      throw new HttpError(400, `messages.${i}.content.${j}: a user message cannot carry a ${b.type} block`, {
        param: `messages.${i}.content.${j}.type`,
        code: "invalid_request",
      });
  });
  const out = [...tools];
  // A user turn of tool results alone is fine; an empty content array is not chat.
  if (parts.length > 0) out.push({ role: "user", content: allText(parts) ? joinText(parts) : parts });
  else if (tools.length === 0) out.push({ role: "user", content: "" });
  return out;
}

/** Plain text parts without breakpoints travel as one string (the common chat form). */
function allText(parts: ContentPart[]): parts is TextPart[] {
  return parts.every((p) => p.type === "text" && !p.cache_control);
}
function joinText(parts: TextPart[]): string {
  return parts.map((p) => p.text).join("\n\n");
}

function toolMessage(b: ToolResultBlock, where: string): ChatMessage {
  let text: string;
  if (b.content === undefined) text = "";
  else if (typeof b.content === "string") text = b.content;
  else {
    const image = b.content.findIndex((c) => c.type === "image");
    if (image >= 0)
      throw new HttpError(
        400,
        `${where}.content.${image}: images in tool results cannot be translated to chat completions (tool messages carry text only)`,
        { param: `${where}.content.${image}`, code: "unsupported_content" },
      );
    text = b.content.map((c) => (c.type === "text" ? c.text : "")).join("\n\n");
  }
  return { role: "tool", tool_call_id: b.tool_use_id, content: b.is_error ? `Error: ${text}` : text };
}

function assistantMessages(m: MessagesMessage, i: number): ChatMessage[] {
  if (typeof m.content === "string") return [{ role: "assistant", content: m.content }];
  const text: string[] = [];
  const calls: { id: string; type: "function"; function: { name: string; arguments: string } }[] = [];
  m.content.forEach((b, j) => {
    if (b.type === "text") text.push(b.text);
    else if (b.type === "tool_use")
      calls.push({
        id: b.id,
        type: "function",
        function: { name: b.name, arguments: JSON.stringify(b.input) },
      });
    else if (b.type === "image" || b.type === "tool_result")
      throw new HttpError(
        400,
        `messages.${i}.content.${j}: an assistant message cannot carry a ${b.type} block`,
        {
          param: `messages.${i}.content.${j}.type`,
          code: "invalid_request",
        },
      );
    // thinking / redacted_thinking of earlier turns: not context (see the header).
  });
  const out: Extract<ChatMessage, { role: "assistant" }> = {
    role: "assistant",
    content: text.length > 0 ? text.join("") : calls.length > 0 ? null : "",
  };
  if (calls.length > 0) out.tool_calls = calls;
  return [out];
}
