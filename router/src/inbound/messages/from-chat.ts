import { randomBytes } from "node:crypto";
import type { ChatCompletion, FinishReason, Usage } from "@llm/contracts";
import { cacheTokensOf } from "../../pricing/cache-pricing.js";
import type { MessagesRequest } from "./schema.js";

/** Anthropic's usage block; cache counts are apart from `input_tokens`, as Anthropic reports them. */
export interface MessagesUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

/** An id in Anthropic's form (`msg_` and 24 base62-ish characters). */
export function messageId(): string {
  return `msg_${randomBytes(18).toString("base64url").replace(/[-_]/g, "0").slice(0, 24)}`;
}

/** OpenAI-shaped usage (prompt tokens include cache reads and writes) -> Anthropic's. */
export function messagesUsage(u: Usage): MessagesUsage {
  const cache = cacheTokensOf(u);
  const read = cache.cacheReadTokens ?? 0;
  const write = cache.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, u.prompt_tokens - read - write),
    output_tokens: u.completion_tokens,
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
  };
}

/**
 * finish_reason -> stop_reason. Chat completions cannot say which stop sequence matched, so a
 * `stop` is `stop_sequence` only when the upstream named the sequence (llama.cpp-style servers'
 * `stopping_word`, or `stop_sequence`) and it is one the client asked for; else `end_turn`.
 */
export function stopReasonOf(
  finish: FinishReason | null | undefined,
  matched: string | undefined,
  req: Pick<MessagesRequest, "stop_sequences">,
): { stop_reason: StopReason; stop_sequence: string | null } {
  if (finish === "length") return { stop_reason: "max_tokens", stop_sequence: null };
  if (finish === "tool_calls") return { stop_reason: "tool_use", stop_sequence: null };
  if (finish === "content_filter") return { stop_reason: "refusal", stop_sequence: null };
  if (matched && req.stop_sequences?.includes(matched))
    return { stop_reason: "stop_sequence", stop_sequence: matched };
  return { stop_reason: "end_turn", stop_sequence: null };
}

/** The stop sequence an upstream reports as matched, under the names OpenAI-compatible servers use. */
export function matchedStop(x: unknown): string | undefined {
  const o = x as { stop_sequence?: unknown; stopping_word?: unknown } | undefined;
  const v = o?.stop_sequence ?? o?.stopping_word;
  return typeof v === "string" && v.length > 0 ? v : undefined;
}

/** Tool arguments as the object Anthropic's `input` must be; text that is not an object is kept under `arguments`. */
export function toolInput(args: string): Record<string, unknown> {
  try {
    const v = JSON.parse(args || "{}") as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // Fall through: a model's malformed arguments still reach the client, not a 502.
  }
  return { arguments: args };
}

/**
 * A chat answer -> Anthropic's message: thinking (from `reasoning_content`, unsigned: it did not
 * come from Anthropic), then text, then one `tool_use` block per tool call.
 */
export function fromChatAnswer(chat: ChatCompletion, req: MessagesRequest, usage: Usage): object {
  const choice = chat.choices[0];
  const msg = choice?.message;
  const content: object[] = [];
  if (msg?.reasoning_content)
    content.push({ type: "thinking", thinking: msg.reasoning_content, signature: "" });
  if (typeof msg?.content === "string" && msg.content.length > 0)
    content.push({ type: "text", text: msg.content, citations: null });
  for (const call of msg?.tool_calls ?? [])
    content.push({
      type: "tool_use",
      id: call.id,
      name: call.function.name,
      input: toolInput(call.function.arguments),
    });
  return {
    id: messageId(),
    type: "message",
    role: "assistant",
    model: chat.model,
    content,
    ...stopReasonOf(choice?.finish_reason, matchedStop(choice), req),
    usage: messagesUsage(usage),
  };
}
