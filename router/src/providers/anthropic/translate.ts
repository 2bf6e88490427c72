import {
  type CacheControl,
  type ChatCompletion,
  type ChatCompletionRequest,
  type ChatMessage,
  contentText,
  type FinishReason,
  requestedMaxTokens,
} from "@llm/contracts";
import { restoreThinking } from "./signed-thinking.js";
import { openAIUsage, promptTokens } from "./usage.js";

/** Anthropic Messages API content blocks we send and receive. */
export type AnthropicBlock =
  | { type: "text"; text: string; cache_control?: CacheControl }
  | {
      type: "image";
      source: { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };
    }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: "tool_result"; tool_use_id: string; content: string }
  | { type: "thinking"; thinking: string; signature?: string }
  | { type: "redacted_thinking"; data: string };

/** A thinking block as Anthropic signed it: sent back unchanged, or the request is refused. */
export type SignedThinking = Extract<AnthropicBlock, { type: "thinking" | "redacted_thinking" }>;

export interface AnthropicMessage {
  role: "user" | "assistant";
  content: AnthropicBlock[];
}

export interface AnthropicRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  /** A string, or text blocks when a client set cache breakpoints on the system prompt. */
  system?: string | { type: "text"; text: string; cache_control?: CacheControl }[];
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  stream?: boolean;
  tools?: { name: string; description?: string; input_schema: unknown; cache_control?: CacheControl }[];
  tool_choice?: { type: "auto" | "any" | "none" } | { type: "tool"; name: string };
  metadata?: { user_id: string };
  thinking?: { type: "enabled"; budget_tokens: number };
  /** Native structured output (GA field; replaces the beta `output_format`). */
  output_config?: { format: { type: "json_schema"; schema: unknown } };
}

/** What `toAnthropicRequest` needs beyond the request. */
export interface AnthropicTranslateOptions {
  /** `response_format: json_schema` as `output_config.format` instead of a forced tool. Defaults to false. */
  nativeStructuredOutput?: boolean;
  /** Signed thinking blocks of earlier answers by tool_use id (the state store's), put back with their calls. */
  thinking?: ReadonlyMap<string, SignedThinking[]>;
}

export interface AnthropicResponse {
  id: string;
  type: "message";
  model: string;
  content: AnthropicBlock[];
  stop_reason: string | null;
  usage: AnthropicUsage;
}

export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** max_tokens is required by Anthropic but optional in OpenAI; used when the client sent none. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

function imageBlock(url: string): AnthropicBlock {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (m) return { type: "image", source: { type: "base64", media_type: m[1]!, data: m[2]! } };
  return { type: "image", source: { type: "url", url } };
}

function blocksOf(msg: ChatMessage): AnthropicBlock[] {
  if (msg.role === "tool")
    return [{ type: "tool_result", tool_use_id: msg.tool_call_id, content: contentText(msg.content) }];
  const blocks: AnthropicBlock[] = [];
  const content = msg.content;
  if (typeof content === "string") {
    if (content.length > 0) blocks.push({ type: "text", text: content });
  } else if (Array.isArray(content)) {
    for (const p of content) {
      if (p.type === "text")
        blocks.push(
          p.cache_control
            ? { type: "text", text: p.text, cache_control: p.cache_control }
            : { type: "text", text: p.text },
        );
      else blocks.push(imageBlock(p.image_url.url));
    }
  }
  if (msg.role === "assistant")
    for (const call of msg.tool_calls ?? []) {
      let input: unknown = {};
      try {
        input = JSON.parse(call.function.arguments || "{}");
      } catch {
        input = { arguments: call.function.arguments };
      }
      blocks.push({ type: "tool_use", id: call.id, name: call.function.name, input });
    }
  return blocks;
}

/**
 * OpenAI chat request -> Anthropic Messages request:
 * system/developer messages are lifted into `system`; tool results travel as user blocks;
 * consecutive same-role messages are merged (Anthropic requires alternation);
 * temperature is clamped to Anthropic's 0..1.
 */
export function toAnthropicRequest(
  req: ChatCompletionRequest,
  upstreamModel: string,
  defaultMaxTokens = DEFAULT_ANTHROPIC_MAX_TOKENS,
  opts: AnthropicTranslateOptions = {},
): AnthropicRequest {
  const system: { type: "text"; text: string; cache_control?: CacheControl }[] = [];
  const messages: AnthropicMessage[] = [];
  for (const msg of req.messages) {
    if (msg.role === "system" || msg.role === "developer") {
      // Parts keep their cache breakpoints; a plain string is one part.
      if (Array.isArray(msg.content))
        for (const p of msg.content)
          system.push(
            p.cache_control
              ? { type: "text", text: p.text, cache_control: p.cache_control }
              : { type: "text", text: p.text },
          );
      else system.push({ type: "text", text: contentText(msg.content) });
      continue;
    }
    const role = msg.role === "assistant" ? "assistant" : "user";
    const blocks = blocksOf(msg);
    if (blocks.length === 0) continue;
    const last = messages[messages.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  }
  const out: AnthropicRequest = {
    model: upstreamModel,
    max_tokens: requestedMaxTokens(req) ?? defaultMaxTokens,
    messages,
  };
  // A plain string as before, unless a client set a cache breakpoint on the system prompt.
  if (system.length > 0)
    out.system = system.some((b) => b.cache_control) ? system : system.map((b) => b.text).join("\n\n");
  if (req.stop != null) out.stop_sequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (req.temperature != null) out.temperature = Math.min(1, req.temperature);
  if (req.top_p != null) out.top_p = req.top_p;
  if (req.user) out.metadata = { user_id: req.user };
  if (req.tools?.length)
    out.tools = req.tools.map((t) => ({
      name: t.function.name,
      description: t.function.description,
      input_schema: t.function.parameters ?? { type: "object", properties: {} },
      ...(t.cache_control ? { cache_control: t.cache_control } : {}),
    }));
  const choice = req.tool_choice as unknown;
  if (choice === "auto") out.tool_choice = { type: "auto" };
  else if (choice === "required") out.tool_choice = { type: "any" };
  else if (choice === "none") out.tool_choice = { type: "none" };
  else if (choice && typeof choice === "object") {
    const name = (choice as { function?: { name?: unknown } }).function?.name;
    if (typeof name === "string") out.tool_choice = { type: "tool", name };
  }
  // Structured output where the native field is off: a tool whose input_schema is the schema, forced with
  // tool_choice (the documented "JSON mode" pattern, docs.anthropic.com tool-use "JSON output";
  // the same fallback @ai-sdk/anthropic uses where output_config.format is unavailable).
  // The forced choice wins over a client tool_choice; the reply is unwrapped into `content`.
  const jsonTool = jsonSchemaTool(req, opts.nativeStructuredOutput);
  const format = req.response_format?.type === "json_schema" ? req.response_format.json_schema : undefined;
  const schema = format?.schema ?? { type: "object", properties: {} };
  // Native structured outputs, GA on the Claude API (platform.claude.com/docs/en/build-with-claude/
  // structured-outputs): `output_config.format`, no beta header; the answer is the JSON text.
  if (format && opts.nativeStructuredOutput) out.output_config = { format: { type: "json_schema", schema } };
  else if (format && jsonTool) {
    const forced = { name: jsonTool, description: format.description, input_schema: schema };
    out.tools = [...(out.tools ?? []), forced];
    out.tool_choice = { type: "tool", name: jsonTool };
  }
  const forcedTool = out.tool_choice?.type === "any" || out.tool_choice?.type === "tool";
  if (req.reasoning_effort && !forcedTool) {
    // Extended thinking (docs.anthropic.com "Building with extended thinking"): budget_tokens >= 1024
    // and < max_tokens, and no temperature/top_p changes or forced tool_choice with it. The budget is
    // added on top of max_tokens so the visible answer keeps the room the client asked for.
    const budget = THINKING_BUDGET[req.reasoning_effort];
    out.thinking = { type: "enabled", budget_tokens: budget };
    out.max_tokens += budget;
    delete out.temperature;
    delete out.top_p;
    // With thinking on, an assistant turn that called tools must start with the thinking blocks it
    // came with, signature and all (docs.anthropic.com "Extended thinking", "Preserving thinking
    // blocks" under tool use): the OpenAI format cannot carry them, so they come from the state store.
    if (opts.thinking?.size) restoreThinking(out.messages, opts.thinking);
  }
  return out;
}

/**
 * reasoning_effort -> thinking budget, the same figures Google's OpenAI layer uses for Gemini
 * (1K/8K/24K, ai.google.dev/gemini-api/docs/openai) so one effort costs alike on both; `minimal`
 * takes Anthropic's floor of 1024.
 */
const THINKING_BUDGET = { minimal: 1024, low: 1024, medium: 8192, high: 24576 } as const;

/** The forced tool's name when the request asks for a json_schema response (and it goes as a tool), else undefined. */
export function jsonSchemaTool(req: ChatCompletionRequest, native = false): string | undefined {
  return req.response_format?.type === "json_schema" && !native
    ? req.response_format.json_schema.name
    : undefined;
}

/** Anthropic stop_reason -> OpenAI finish_reason. */
export function finishReason(stop: string | null | undefined): FinishReason | null {
  switch (stop) {
    case "end_turn":
    case "stop_sequence":
    case "pause_turn":
      return "stop";
    case "max_tokens":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    case null:
    case undefined:
      return null;
    default:
      return "stop";
  }
}

// Usage lives in usage.ts; re-exported here, where stream.ts and inbound/messages import it.
export { openAIUsage, promptTokens };

/** `jsonTool`: the forced json_schema tool, whose input becomes the message text (see toAnthropicRequest). */
export function fromAnthropicResponse(
  res: AnthropicResponse,
  model: string,
  jsonTool?: string,
): ChatCompletion {
  const forced = jsonTool
    ? res.content.find(
        (b): b is Extract<AnthropicBlock, { type: "tool_use" }> =>
          b.type === "tool_use" && b.name === jsonTool,
      )
    : undefined;
  const reasoning = res.content
    .filter((b): b is Extract<AnthropicBlock, { type: "thinking" }> => b.type === "thinking")
    .map((b) => b.thinking)
    .join("");
  if (forced) res = { ...res, content: res.content.filter((b) => b.type === "tool_use" && b !== forced) };
  const text = forced
    ? JSON.stringify(forced.input)
    : res.content
        .filter((b): b is { type: "text"; text: string } => b.type === "text")
        .map((b) => b.text)
        .join("");
  const toolCalls = res.content
    .filter((b): b is Extract<AnthropicBlock, { type: "tool_use" }> => b.type === "tool_use")
    .map((b) => ({
      id: b.id,
      type: "function" as const,
      function: { name: b.name, arguments: JSON.stringify(b.input) },
    }));
  return {
    id: `chatcmpl-${res.id}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: text.length > 0 || toolCalls.length === 0 ? text : null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          // Thinking travels as `reasoning_content`, as llama-server and LiteLLM send it.
          ...(reasoning ? { reasoning_content: reasoning } : {}),
        },
        finish_reason: forced && res.stop_reason === "tool_use" ? "stop" : finishReason(res.stop_reason),
        logprobs: null,
      },
    ],
    usage: openAIUsage(res.usage),
  };
}
