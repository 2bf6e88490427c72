/**
 * The OpenAI Responses API request (`POST /v1/responses`), as the official SDK types it
 * (openai-node 6.30 `src/resources/responses/responses.ts`: ResponseCreateParamsBase,
 * ResponseInputItem, FunctionTool, ResponseTextConfig). Every field is mapped, accepted and
 * ignored, or refused by name (router/README.md § OpenAI Responses API has the table); unknown
 * fields are a 400 naming them, never a silent drop.
 */
import { HttpError, MAX_TOKENS_LIMIT, parseBody } from "@llm/contracts";
import { z } from "zod";

const inputText = z.object({ type: z.literal("input_text"), text: z.string() }).strict();
const outputText = z
  .object({
    type: z.literal("output_text"),
    text: z.string(),
    // Echoed back from earlier outputs; citations mean nothing to another model.
    annotations: z.array(z.unknown()).optional(),
    logprobs: z.array(z.unknown()).optional(),
  })
  .strict();
const refusal = z.object({ type: z.literal("refusal"), refusal: z.string() }).strict();
const inputImage = z
  .object({
    type: z.literal("input_image"),
    image_url: z.string().min(1).nullable().optional(),
    file_id: z.string().nullable().optional(),
    detail: z.enum(["low", "high", "auto", "original"]).optional(),
  })
  .strict();
const contentPart = z.discriminatedUnion("type", [inputText, outputText, refusal, inputImage]);
export type ResponsesContentPart = z.infer<typeof contentPart>;

const status = z.enum(["in_progress", "completed", "incomplete"]).nullable().optional();

const messageItem = z
  .object({
    type: z.literal("message").optional(),
    role: z.enum(["user", "assistant", "system", "developer"]),
    content: z.union([z.string(), z.array(contentPart)]),
    id: z.string().optional(),
    status,
    phase: z.enum(["commentary", "final_answer"]).nullable().optional(),
  })
  .strict();

const functionCallItem = z
  .object({
    type: z.literal("function_call"),
    call_id: z.string().min(1),
    name: z.string().min(1),
    arguments: z.string(),
    id: z.string().optional(),
    // openai-node types it on ResponseFunctionToolCall (namespaced tools); the call is by `name`.
    namespace: z.string().optional(),
    status,
  })
  .strict();

const functionCallOutputItem = z
  .object({
    type: z.literal("function_call_output"),
    call_id: z.string().min(1),
    output: z.union([z.string(), z.array(z.discriminatedUnion("type", [inputText, inputImage]))]),
    id: z.string().nullable().optional(),
    status,
  })
  .strict();

const reasoningItem = z
  .object({
    type: z.literal("reasoning"),
    id: z.string().optional(),
    summary: z.array(z.object({ type: z.literal("summary_text"), text: z.string() }).strict()).default([]),
    content: z
      .array(z.object({ type: z.literal("reasoning_text"), text: z.string() }).strict())
      .nullable()
      .optional(),
    encrypted_content: z.string().nullable().optional(),
    status,
  })
  .strict();

/** Item types the Responses API has that only OpenAI's own tools produce (refused by name). */
const OTHER_ITEM_TYPES = new Set([
  "item_reference",
  "file_search_call",
  "computer_call",
  "computer_call_output",
  "web_search_call",
  "image_generation_call",
  "code_interpreter_call",
  "local_shell_call",
  "local_shell_call_output",
  "shell_call",
  "shell_call_output",
  "apply_patch_call",
  "apply_patch_call_output",
  "mcp_list_tools",
  "mcp_approval_request",
  "mcp_approval_response",
  "mcp_call",
  "custom_tool_call",
  "custom_tool_call_output",
  "tool_search_call",
  "tool_search_output",
  "compaction",
]);

const inputItem = z.union([messageItem, functionCallItem, functionCallOutputItem, reasoningItem]);
export type ResponsesInputItem = z.infer<typeof inputItem>;
export type ResponsesMessageItem = z.infer<typeof messageItem>;
export type ResponsesFunctionCallItem = z.infer<typeof functionCallItem>;
export type ResponsesReasoningItem = z.infer<typeof reasoningItem>;

const functionTool = z
  .object({
    type: z.literal("function"),
    name: z.string().min(1),
    description: z.string().nullable().optional(),
    parameters: z.record(z.string(), z.unknown()).nullable().optional(),
    strict: z.boolean().nullable().optional(),
  })
  .strict();
export type ResponsesFunctionTool = z.infer<typeof functionTool>;

const toolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), name: z.string().min(1) }).strict(),
]);
export type ResponsesToolChoice = z.infer<typeof toolChoice>;

const textFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }).strict(),
  z.object({ type: z.literal("json_object") }).strict(),
  z
    .object({
      type: z.literal("json_schema"),
      name: z.string().min(1),
      schema: z.record(z.string(), z.unknown()),
      description: z.string().optional(),
      strict: z.boolean().nullable().optional(),
    })
    .strict(),
]);

const metadata = z.record(z.string().max(64), z.string().max(512));

export const responsesRequest = z
  .object({
    model: z.string().min(1),
    input: z.union([z.string(), z.array(inputItem)]).optional(),
    instructions: z.string().nullable().optional(),
    tools: z.array(functionTool).optional(),
    tool_choice: toolChoice.optional(),
    text: z
      .object({
        format: textFormat.optional(),
        // A hint to GPT-5-class models; others cannot use it.
        verbosity: z.enum(["low", "medium", "high"]).nullable().optional(),
      })
      .strict()
      .optional(),
    max_output_tokens: z.number().int().positive().max(MAX_TOKENS_LIMIT).nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().gt(0).max(1).nullable().optional(),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_obfuscation: z.boolean().optional() }).strict().nullable().optional(),
    store: z.boolean().nullable().optional(),
    previous_response_id: z.string().min(1).nullable().optional(),
    reasoning: z
      .object({
        effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]).nullable().optional(),
        summary: z.enum(["auto", "concise", "detailed"]).nullable().optional(),
        generate_summary: z.enum(["auto", "concise", "detailed"]).nullable().optional(),
      })
      .strict()
      .nullable()
      .optional(),
    include: z.array(z.string()).nullable().optional(),
    parallel_tool_calls: z.boolean().nullable().optional(),
    prompt_cache_key: z.string().optional(),
    prompt_cache_retention: z.enum(["in-memory", "24h"]).nullable().optional(),
    truncation: z.enum(["auto", "disabled"]).nullable().optional(),
    metadata: metadata.nullable().optional(),
    user: z.string().optional(),
    // Codex CLI's own request metadata (codex-rs ResponsesApiRequest `client_metadata`): kept here.
    client_metadata: z.record(z.string(), z.string()).nullable().optional(),
    safety_identifier: z.string().optional(),
    service_tier: z.string().nullable().optional(),
    // Refused unless off: nothing here runs a response in the background.
    background: z.literal(false).nullable().optional(),
  })
  .strict();
export type ResponsesRequest = z.infer<typeof responsesRequest>;

/** Top-level fields of the Responses API the router refuses, with why (400 naming the field). */
const REFUSED_FIELDS: Record<string, string> = {
  conversation: "conversations are not supported; use previous_response_id",
  prompt: "prompt templates are stored at OpenAI and are not supported",
  background: "background responses are not supported",
};

/**
 * Refusals that deserve a clearer message than zod's: built-in tools (`web_search`,
 * `file_search`, `computer_use_preview`, MCP, code interpreter...) and their items, which only
 * OpenAI can run, and the fields listed in REFUSED_FIELDS. Runs before the schema so the message
 * names the feature and the `param` points at it.
 */
function refuseUnsupported(body: unknown): void {
  if (typeof body !== "object" || body === null) return;
  const b = body as Record<string, unknown>;
  for (const [field, why] of Object.entries(REFUSED_FIELDS))
    if (b[field] !== undefined && b[field] !== null && b[field] !== false)
      throw unsupported(field, `${field}: ${why}`);
  if (Array.isArray(b.tools))
    for (const [i, t] of b.tools.entries()) {
      const type = (t as { type?: unknown } | null)?.type;
      if (typeof type === "string" && type !== "function")
        throw unsupported(
          `tools.${i}.type`,
          `tools.${i}.type: built-in tool "${type}" is not supported by this router; only function tools are`,
        );
    }
  const tc = b.tool_choice as { type?: unknown } | undefined;
  if (tc && typeof tc === "object" && typeof tc.type === "string" && tc.type !== "function")
    throw unsupported("tool_choice.type", `tool_choice.type: "${tc.type}" is not supported; use a function`);
  if (Array.isArray(b.input))
    for (const [i, item] of b.input.entries()) {
      const type = (item as { type?: unknown } | null)?.type;
      if (typeof type === "string" && OTHER_ITEM_TYPES.has(type))
        throw unsupported(
          `input.${i}.type`,
          type === "item_reference"
            ? `input.${i}.type: item_reference is not supported; use previous_response_id`
            : `input.${i}.type: "${type}" items belong to built-in tools, which this router does not run`,
        );
      const content = (item as { content?: unknown } | null)?.content;
      if (Array.isArray(content))
        for (const [j, part] of content.entries())
          if ((part as { type?: unknown } | null)?.type === "input_file")
            throw unsupported(
              `input.${i}.content.${j}.type`,
              `input.${i}.content.${j}.type: input_file is not supported`,
            );
    }
}

function unsupported(param: string, message: string): HttpError {
  return new HttpError(400, message, { param, code: "unsupported_parameter" });
}

/** The refusals above, then the schema (400 naming the first bad field, as parseBody does). */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  refuseUnsupported(body);
  return parseBody(responsesRequest, body);
}
