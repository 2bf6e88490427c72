import {
  type ChatCompletionRequest,
  type CompletionRequest,
  contentText,
  type EmbeddingsRequest,
  requestedMaxTokens,
} from "@llm/contracts";

/**
 * Token estimates for routing and admission, before any tokenizer has seen the request.
 * English text averages ~4 characters per token for LLaMA/GPT tokenizers, so we use
 * ceil(chars / 4), plus 4 tokens per chat message for role and template markers. It is an
 * estimate for ranking and budgets only; the upstream's reported usage is what gets billed.
 */
export const CHARS_PER_TOKEN = 4;
const PER_MESSAGE_OVERHEAD = 4;

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/**
 * Chat prompt estimate. Tool definitions and a json_schema response format reach the model as
 * prompt text too (chat templates render the tools' JSON; providers bill them as input), so their
 * JSON counts, else a large tool schema would pass context fit and look cheap in cost ranking.
 */
export function estimateChatPromptTokens(req: ChatCompletionRequest): number {
  let chars = 0;
  for (const m of req.messages) {
    chars += contentText(m.content ?? null).length;
    // Earlier calls are part of the history the template renders (name and JSON arguments).
    if (m.role === "assistant")
      for (const c of m.tool_calls ?? []) chars += c.function.name.length + c.function.arguments.length;
  }
  for (const t of req.tools ?? []) chars += JSON.stringify(t.function).length;
  if (req.response_format?.type === "json_schema")
    chars += JSON.stringify(req.response_format.json_schema).length;
  return Math.ceil(chars / CHARS_PER_TOKEN) + PER_MESSAGE_OVERHEAD * req.messages.length;
}

export function estimateCompletionPromptTokens(req: CompletionRequest): number {
  const p = req.prompt;
  return typeof p === "string" ? estimateTextTokens(p) : p.reduce((n, s) => n + estimateTextTokens(s), 0);
}

export function estimateEmbeddingTokens(req: EmbeddingsRequest): number {
  const input = req.input;
  if (typeof input === "string") return estimateTextTokens(input);
  let n = 0;
  for (const item of input) {
    if (typeof item === "string") n += estimateTextTokens(item);
    else if (typeof item === "number") n += 1;
    else n += item.length;
  }
  return n;
}

/** Completion tokens a request may produce: its cap, else the configured default. */
export function estimateCompletionTokens(
  req: { max_tokens?: number | null; max_completion_tokens?: number | null; n?: number | null },
  defaultMaxTokens: number,
): number {
  return (requestedMaxTokens(req) ?? defaultMaxTokens) * (req.n ?? 1);
}
