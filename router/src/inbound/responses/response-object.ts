/**
 * The Responses API answer (`object: "response"`) and its output items, field for field as
 * openai-node 6.30 types them (src/resources/responses/responses.ts: Response,
 * ResponseOutputMessage, ResponseOutputText, ResponseFunctionToolCall, ResponseReasoningItem,
 * ResponseUsage). The SDK's `response.output_text` is computed client-side from the
 * `output_text` parts of `message` items, so it is not sent.
 */
import { randomBytes } from "node:crypto";
import type { Usage } from "@llm/contracts";
import type { ResponsesFunctionTool, ResponsesRequest, ResponsesToolChoice } from "./schema.js";

export interface OutputText {
  type: "output_text";
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

export interface OutputMessage {
  type: "message";
  id: string;
  status: ItemStatus;
  role: "assistant";
  content: OutputText[];
}

export interface FunctionCallItem {
  type: "function_call";
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: ItemStatus;
}

export interface ReasoningText {
  type: "reasoning_text";
  text: string;
}

export interface ReasoningItem {
  type: "reasoning";
  id: string;
  summary: { type: "summary_text"; text: string }[];
  content?: ReasoningText[];
  encrypted_content?: string | null;
  status?: ItemStatus;
}

export type OutputItem = OutputMessage | FunctionCallItem | ReasoningItem;
export type ItemStatus = "in_progress" | "completed" | "incomplete";
export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface ResponseObject {
  id: string;
  object: "response";
  created_at: number;
  status: ResponseStatus;
  /** Set when status is `failed` (ResponseError: `code`, `message`). */
  error: { code: string; message: string } | null;
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: { type: string; [field: string]: unknown }; verbosity: string | null };
  tool_choice: ResponsesToolChoice;
  tools: (ResponsesFunctionTool & { strict: boolean | null; parameters: Record<string, unknown> | null })[];
  top_p: number | null;
  truncation: "auto" | "disabled";
  usage: ResponseUsage | null;
  user: string | null;
  metadata: Record<string, string>;
  [native: string]: unknown;
}

/** What one request turn knows before any target answers: its ids, clock and the client's fields. */
export interface ResponsesTurn {
  /** The router's own id for this response (`resp_…`), whatever target answers. */
  id: string;
  /** Unix seconds. */
  createdAt: number;
  request: ResponsesRequest;
  /** False when the client sent `store: false`: nothing is kept. */
  store: boolean;
}

/** An id in OpenAI's style: the prefix and 48 hex digits (`resp_…`, `msg_…`, `fc_…`, `rs_…`). */
export function newItemId(prefix: "resp" | "msg" | "fc" | "rs"): string {
  return `${prefix}_${randomBytes(24).toString("hex")}`;
}

/** The Response object of `turn` with `status`, before (or without) its output and usage. */
export function responseShell(turn: ResponsesTurn, model: string, status: ResponseStatus): ResponseObject {
  const r = turn.request;
  return {
    id: turn.id,
    object: "response",
    created_at: turn.createdAt,
    status,
    error: null,
    incomplete_details: null,
    instructions: r.instructions ?? null,
    max_output_tokens: r.max_output_tokens ?? null,
    model,
    output: [],
    parallel_tool_calls: r.parallel_tool_calls ?? true,
    previous_response_id: r.previous_response_id ?? null,
    reasoning: { effort: r.reasoning?.effort ?? null, summary: r.reasoning?.summary ?? null },
    store: turn.store,
    temperature: r.temperature ?? null,
    text: { format: r.text?.format ?? { type: "text" }, verbosity: r.text?.verbosity ?? "medium" },
    tool_choice: r.tool_choice ?? "auto",
    tools: (r.tools ?? []).map((t) => ({ ...t, parameters: t.parameters ?? null, strict: t.strict ?? null })),
    top_p: r.top_p ?? null,
    truncation: r.truncation ?? "disabled",
    usage: null,
    user: r.user ?? null,
    metadata: r.metadata ?? {},
  };
}

/** Chat usage (with the detail fields OpenAI and the cache-aware translations add) in Responses' shape. */
export function responseUsage(u: Usage): ResponseUsage {
  const d = u as Usage & {
    prompt_tokens_details?: { cached_tokens?: number };
    completion_tokens_details?: { reasoning_tokens?: number };
  };
  return {
    input_tokens: u.prompt_tokens,
    input_tokens_details: { cached_tokens: d.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: d.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: u.total_tokens || u.prompt_tokens + u.completion_tokens,
  };
}

/** The Responses usage of a native answer back in chat's shape, for accounting and budgets. */
export function chatUsageOf(u: Partial<ResponseUsage> | null | undefined): Usage | undefined {
  if (!u || typeof u.input_tokens !== "number" || typeof u.output_tokens !== "number") return undefined;
  const usage: Usage & { prompt_tokens_details?: { cached_tokens: number } } = {
    prompt_tokens: u.input_tokens,
    completion_tokens: u.output_tokens,
    total_tokens: u.total_tokens ?? u.input_tokens + u.output_tokens,
  };
  const cached = u.input_tokens_details?.cached_tokens;
  if (cached) usage.prompt_tokens_details = { cached_tokens: cached };
  return usage;
}

/** Status and incomplete_details for a chat finish reason (`length` is Responses' max_output_tokens). */
export function statusOf(finish: string | null | undefined): {
  status: ResponseStatus;
  incomplete_details: ResponseObject["incomplete_details"];
} {
  if (finish === "length")
    return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (finish === "content_filter")
    return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}
