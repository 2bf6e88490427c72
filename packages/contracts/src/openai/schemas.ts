import { z } from "zod";

/** Upper bound on any max_tokens we accept; larger values are client bugs, not requests. */
export const MAX_TOKENS_LIMIT = 1_000_000;

/**
 * Anthropic prompt-caching breakpoint, accepted on text parts and tools (as LiteLLM and OpenRouter
 * accept it): passed through to Anthropic targets, ignored by the others.
 */
export const cacheControl = z
  .object({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() })
  .strict();
export type CacheControl = z.infer<typeof cacheControl>;

const textPart = z
  .object({ type: z.literal("text"), text: z.string(), cache_control: cacheControl.optional() })
  .strict();
const imagePart = z
  .object({
    type: z.literal("image_url"),
    image_url: z.object({ url: z.string().min(1), detail: z.enum(["auto", "low", "high"]).optional() }),
  })
  .strict();
export const contentPart = z.discriminatedUnion("type", [textPart, imagePart]);
export type ContentPart = z.infer<typeof contentPart>;

/**
 * Google's OpenAI-compatibility extension on a tool call: the Gemini thought signature of the
 * functionCall part, echoed back on the next turn (ai.google.dev/gemini-api/docs/thought-signatures,
 * "OpenAI compatibility"). Other providers' keys under `extra_content` are kept as sent.
 */
const extraContent = z
  .object({ google: z.object({ thought_signature: z.string().optional() }).loose().optional() })
  .loose();

const toolCall = z.object({
  id: z.string(),
  type: z.literal("function"),
  function: z.object({ name: z.string(), arguments: z.string() }),
  extra_content: extraContent.optional(),
});

export const chatMessage = z.discriminatedUnion("role", [
  z
    .object({
      role: z.literal("system"),
      content: z.union([z.string(), z.array(textPart)]),
      name: z.string().optional(),
    })
    .strict(),
  z
    .object({
      role: z.literal("developer"),
      content: z.union([z.string(), z.array(textPart)]),
      name: z.string().optional(),
    })
    .strict(),
  z
    .object({
      role: z.literal("user"),
      content: z.union([z.string(), z.array(contentPart).min(1)]),
      name: z.string().optional(),
    })
    .strict(),
  z
    .object({
      role: z.literal("assistant"),
      content: z.union([z.string(), z.array(textPart), z.null()]).optional(),
      name: z.string().optional(),
      tool_calls: z.array(toolCall).optional(),
      refusal: z.string().nullable().optional(),
    })
    .strict(),
  z
    .object({
      role: z.literal("tool"),
      content: z.union([z.string(), z.array(textPart)]),
      tool_call_id: z.string(),
    })
    .strict(),
]);
export type ChatMessage = z.infer<typeof chatMessage>;

const stop = z
  .union([z.string(), z.array(z.string()).max(4)])
  .nullable()
  .optional();
const maxTokens = z.number().int().positive().max(MAX_TOKENS_LIMIT).nullable().optional();
const streamOptions = z.object({ include_usage: z.boolean().optional() }).strict().nullable().optional();

export const responseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }).strict(),
  z.object({ type: z.literal("json_object") }).strict(),
  z
    .object({
      type: z.literal("json_schema"),
      json_schema: z
        .object({
          name: z.string().min(1),
          description: z.string().optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullable().optional(),
        })
        .strict(),
    })
    .strict(),
]);
export type ResponseFormat = z.infer<typeof responseFormat>;

/** Sampling and output fields shared by chat and text completions. */
const samplingFields = {
  model: z.string().min(1),
  max_tokens: maxTokens,
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().gt(0).max(1).nullable().optional(),
  stop,
  seed: z.number().int().nullable().optional(),
  n: z.number().int().min(1).max(128).nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: streamOptions,
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  logit_bias: z.record(z.string(), z.number()).nullable().optional(),
  user: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
};

/** OpenAI's function-name rule (letters, digits, `_` and `-`, at most 64), so every format can carry the name. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

const tool = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z
      .string()
      .regex(TOOL_NAME_PATTERN, "function names are 1-64 letters, digits, underscores or dashes"),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
  cache_control: cacheControl.optional(),
});

export type ChatTool = z.infer<typeof tool>;

/** `tool_choice`: the three modes, or one named function (OpenAI's chat completions forms). */
export const toolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z
    .object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }).strict() })
    .strict(),
]);
export type ToolChoice = z.infer<typeof toolChoice>;

export const chatCompletionRequest = z
  .object({
    ...samplingFields,
    messages: z.array(chatMessage).min(1, "messages must contain at least one message"),
    max_completion_tokens: maxTokens,
    response_format: responseFormat.optional(),
    tools: z.array(tool).optional(),
    tool_choice: toolChoice.optional(),
    parallel_tool_calls: z.boolean().optional(),
    logprobs: z.boolean().nullable().optional(),
    top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
    store: z.boolean().nullable().optional(),
    reasoning_effort: z.enum(["minimal", "low", "medium", "high"]).nullable().optional(),
    service_tier: z.string().nullable().optional(),
  })
  .strict();
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

export const completionRequest = z
  .object({
    ...samplingFields,
    prompt: z.union([z.string(), z.array(z.string()).min(1)]),
    echo: z.boolean().nullable().optional(),
    suffix: z.string().nullable().optional(),
    best_of: z.number().int().min(1).max(1).nullable().optional(),
    logprobs: z.number().int().min(0).max(5).nullable().optional(),
  })
  .strict();
export type CompletionRequest = z.infer<typeof completionRequest>;

export const embeddingsRequest = z
  .object({
    model: z.string().min(1),
    input: z.union([
      z.string(),
      z.array(z.string()).min(1),
      z.array(z.number().int()).min(1),
      z.array(z.array(z.number().int()).min(1)).min(1),
    ]),
    encoding_format: z.enum(["float", "base64"]).optional(),
    dimensions: z.number().int().positive().optional(),
    user: z.string().optional(),
  })
  .strict();
export type EmbeddingsRequest = z.infer<typeof embeddingsRequest>;

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** One function call in an answer (`message.tool_calls[]`). */
export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
  /** Google's extension: the Gemini thought signature to send back with this call. */
  extra_content?: { google?: { thought_signature?: string } };
}

/** One streamed piece of a call: `id`, `type` and `name` in its first delta, `arguments` fragments after. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function: { name?: string; arguments: string };
  /** In the call's first delta, as Google's OpenAI layer streams it (see ToolCall). */
  extra_content?: { google?: { thought_signature?: string } };
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: {
    index: number;
    message: {
      role: "assistant";
      content: string | null;
      refusal?: null;
      tool_calls?: ToolCall[];
      /** Reasoning text (Anthropic thinking, Gemini thoughts), as llama-server and LiteLLM name it. */
      reasoning_content?: string;
    };
    finish_reason: FinishReason | null;
    logprobs?: null;
  }[];
  usage?: Usage;
  system_fingerprint?: string;
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: {
    index: number;
    delta: {
      role?: "assistant";
      content?: string | null;
      tool_calls?: ToolCallDelta[];
      reasoning_content?: string;
    };
    finish_reason: FinishReason | null;
    logprobs?: null;
  }[];
  usage?: Usage | null;
}

export interface TextCompletion {
  id: string;
  object: "text_completion";
  created: number;
  model: string;
  choices: { index: number; text: string; finish_reason: FinishReason | null; logprobs: null }[];
  usage?: Usage;
}

export interface EmbeddingsResponse {
  object: "list";
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export interface ModelList {
  object: "list";
  data: { id: string; object: "model"; created: number; owned_by: string; [extra: string]: unknown }[];
}

/** The effective completion-token cap of a chat request (`max_completion_tokens` wins, as in OpenAI). */
export function requestedMaxTokens(req: {
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
}): number | undefined {
  return req.max_completion_tokens ?? req.max_tokens ?? undefined;
}

/** Plain text of a message's content, parts joined (images dropped). */
export function contentText(content: ChatMessage["content"]): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content.map((p) => (p.type === "text" ? p.text : "")).join("");
}
