import { MAX_TOKENS_LIMIT } from "@llm/contracts";
import { z } from "zod";

/**
 * The Anthropic Messages request the router accepts (docs.claude.com/en/api/messages): every
 * field it translates, strict, so a field it cannot honour is a 400 naming it rather than a
 * silent drop. Server tools (web search, code execution, computer use, …), documents and other
 * blocks not listed here are refused by name.
 */

/** Prompt-caching breakpoint: passed through to Anthropic, ignored by targets without prompt caching. */
const cacheControl = z
  .object({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() })
  .strict()
  .nullish();

const textBlock = z
  .object({
    type: z.literal("text"),
    text: z.string(),
    cache_control: cacheControl,
    // Answers carry `citations: null`; clients echo assistant turns back with it.
    citations: z.array(z.unknown()).nullish(),
  })
  .strict();

const imageBlock = z
  .object({
    type: z.literal("image"),
    source: z.discriminatedUnion("type", [
      z
        .object({
          type: z.literal("base64"),
          media_type: z.enum(["image/jpeg", "image/png", "image/gif", "image/webp"]),
          data: z.string().min(1),
        })
        .strict(),
      z.object({ type: z.literal("url"), url: z.string().url() }).strict(),
    ]),
    cache_control: cacheControl,
  })
  .strict();

const toolUseBlock = z
  .object({
    type: z.literal("tool_use"),
    id: z.string().min(1),
    name: z.string().min(1),
    input: z.record(z.string(), z.unknown()),
    cache_control: cacheControl,
    // Who called the tool (direct, or Anthropic's code execution) and its toolset: echoed back
    // by clients, they say nothing a translated target could use.
    caller: z.record(z.string(), z.unknown()).nullish(),
    toolset_name: z.string().nullish(),
  })
  .strict();

const toolResultBlock = z
  .object({
    type: z.literal("tool_result"),
    tool_use_id: z.string().min(1),
    content: z.union([z.string(), z.array(z.discriminatedUnion("type", [textBlock, imageBlock]))]).optional(),
    is_error: z.boolean().optional(),
    cache_control: cacheControl,
    toolset_name: z.string().nullish(),
  })
  .strict();

const thinkingBlock = z
  .object({ type: z.literal("thinking"), thinking: z.string(), signature: z.string().optional() })
  .strict();
const redactedThinkingBlock = z.object({ type: z.literal("redacted_thinking"), data: z.string() }).strict();

export const contentBlock = z.discriminatedUnion("type", [
  textBlock,
  imageBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
]);
export type MessagesBlock = z.infer<typeof contentBlock>;
export type ToolResultBlock = z.infer<typeof toolResultBlock>;

const message = z
  .object({
    role: z.enum(["user", "assistant"]),
    content: z.union([z.string(), z.array(contentBlock)]),
  })
  .strict();
export type MessagesMessage = z.infer<typeof message>;

/** Client tools only (`type` absent or `custom`); server tools carry a versioned `type` and are refused. */
const tool = z
  .object({
    type: z.literal("custom").optional(),
    name: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,64}$/, "tool names are 1-64 letters, digits, underscores or dashes"),
    description: z.string().optional(),
    input_schema: z.object({ type: z.literal("object") }).loose(),
    cache_control: cacheControl,
    /** Passed on as the function's `strict`. */
    strict: z.boolean().optional(),
    // Anthropic-side loading and streaming hints: passed through natively, without effect when
    // translated (README § Anthropic Messages API).
    eager_input_streaming: z.boolean().nullish(),
    defer_loading: z.boolean().optional(),
    input_examples: z.array(z.record(z.string(), z.unknown())).optional(),
    allowed_callers: z.array(z.string()).optional(),
  })
  .strict();
export type MessagesTool = z.infer<typeof tool>;

const parallel = { disable_parallel_tool_use: z.boolean().optional() };
const toolChoice = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), ...parallel }).strict(),
  z.object({ type: z.literal("any"), ...parallel }).strict(),
  z.object({ type: z.literal("tool"), name: z.string().min(1), ...parallel }).strict(),
  z.object({ type: z.literal("none") }).strict(),
]);
export type MessagesToolChoice = z.infer<typeof toolChoice>;

const display = z.enum(["summarized", "omitted"]).nullish();
/** Manual budgets, the model's own choice (`adaptive`, `between_tools`), or none. */
const thinking = z.discriminatedUnion("type", [
  z.object({ type: z.literal("enabled"), budget_tokens: z.number().int().min(1024), display }).strict(),
  z.object({ type: z.literal("adaptive"), display }).strict(),
  z.object({ type: z.literal("between_tools") }).strict(),
  z.object({ type: z.literal("disabled") }).strict(),
]);
export type MessagesThinking = z.infer<typeof thinking>;

/** Effort (-> reasoning_effort) and a JSON-schema output format (-> response_format). */
const outputConfig = z
  .object({
    effort: z.enum(["low", "medium", "high", "xhigh", "max"]).nullish(),
    format: z
      .object({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) })
      .strict()
      .nullish(),
  })
  .strict();

/** What `/v1/messages` and `/v1/messages/count_tokens` share: the prompt. */
const promptFields = {
  model: z.string().min(1),
  messages: z.array(message).min(1, "messages must contain at least one message"),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  thinking: thinking.optional(),
  output_config: outputConfig.optional(),
  /** Top-level breakpoint (Anthropic caches up to the last cacheable block). */
  cache_control: cacheControl,
};

export const messagesRequest = z
  .object({
    ...promptFields,
    max_tokens: z.number().int().positive().max(MAX_TOKENS_LIMIT),
    stop_sequences: z.array(z.string()).optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.number().int().min(0).optional(),
    metadata: z
      .object({ user_id: z.string().max(256).nullish() })
      .strict()
      .optional(),
    stream: z.boolean().optional(),
    // Accepted and passed through to Anthropic; without effect on a translated target (README
    // § Anthropic Messages API): server-side context editing, and Anthropic's capacity tiers.
    context_management: z.record(z.string(), z.unknown()).nullish(),
    service_tier: z.enum(["auto", "standard_only"]).optional(),
    speed: z.enum(["standard", "fast"]).nullish(),
    inference_geo: z.string().nullish(),
    diagnostics: z.record(z.string(), z.unknown()).nullish(),
  })
  .strict();
export type MessagesRequest = z.infer<typeof messagesRequest>;

/** `/v1/messages/count_tokens`: the prompt alone (no max_tokens, sampling or stream). */
export const countTokensRequest = z.object(promptFields).strict();
export type CountTokensRequest = z.infer<typeof countTokensRequest>;
