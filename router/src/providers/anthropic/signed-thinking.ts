import type { ChatCompletionRequest } from "@llm/contracts";
import type { AnthropicBlock, AnthropicMessage, SignedThinking } from "./translate.js";

/** Puts each assistant message's kept thinking blocks (found by any of its tool_use ids) first. */
export function restoreThinking(
  messages: AnthropicMessage[],
  kept: ReadonlyMap<string, SignedThinking[]>,
): void {
  for (const m of messages) {
    if (
      m.role !== "assistant" ||
      m.content.some((b) => b.type === "thinking" || b.type === "redacted_thinking")
    )
      continue;
    const id = m.content.find(
      (b): b is Extract<AnthropicBlock, { type: "tool_use" }> => b.type === "tool_use" && kept.has(b.id),
    )?.id;
    if (id) m.content.unshift(...kept.get(id)!);
  }
}

/** The tool_use ids of `req`'s assistant turns, whose thinking blocks the state store may hold. */
export function assistantCallIds(req: ChatCompletionRequest): string[] {
  return req.messages.flatMap((m) => (m.role === "assistant" ? (m.tool_calls ?? []).map((c) => c.id) : []));
}

/**
 * What to keep of an answer's content: its signed thinking blocks, under each tool_use id, when the
 * turn called tools (only then must they come back; a turn ending in text needs none next time).
 */
export function thinkingToKeep(content: readonly AnthropicBlock[]): [string, string][] {
  const signed = content.filter(
    (b): b is SignedThinking =>
      (b.type === "thinking" && typeof b.signature === "string") || b.type === "redacted_thinking",
  );
  if (signed.length === 0) return [];
  const value = JSON.stringify(signed);
  return content.flatMap((b) => (b.type === "tool_use" ? [[b.id, value] as [string, string]] : []));
}
