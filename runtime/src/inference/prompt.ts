import { type ChatMessage, contentText, HttpError } from "@llm/contracts";
import type { ChatHistoryItem, ChatWrapper, LlamaModel, LlamaText, Token } from "node-llama-cpp";

/**
 * OpenAI messages -> node-llama-cpp chat history. System and developer messages become system
 * items, assistant messages model items; an empty model item at the end opens the reply turn.
 * Inputs this runtime cannot honour (images, tool results) are rejected, never silently dropped.
 */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  messages.forEach((m, i) => {
    switch (m.role) {
      case "system":
      case "developer":
        history.push({ type: "system", text: contentText(m.content) });
        return;
      case "user":
        if (Array.isArray(m.content) && m.content.some((p) => p.type !== "text")) {
          throw new HttpError(400, "Image inputs are not supported by this model", {
            param: `messages.${i}.content`,
            code: "unsupported_content",
          });
        }
        history.push({ type: "user", text: contentText(m.content) });
        return;
      case "assistant":
        if (m.tool_calls && m.tool_calls.length > 0) {
          throw new HttpError(400, "Tool calls are not supported by this runtime", {
            param: `messages.${i}.tool_calls`,
            code: "unsupported_parameter",
          });
        }
        history.push({ type: "model", response: [contentText(m.content ?? null)] });
        return;
      case "tool":
        throw new HttpError(400, "Tool messages are not supported by this runtime", {
          param: `messages.${i}.role`,
          code: "unsupported_parameter",
        });
    }
  });
  history.push({ type: "model", response: [] });
  return history;
}

/** The rendered chat prompt and the template's own end-of-turn stop triggers. */
export function renderChat(
  wrapper: ChatWrapper,
  model: LlamaModel,
  messages: readonly ChatMessage[],
): { tokens: Token[]; stopTriggers: LlamaText[] } {
  const state = wrapper.generateContextState({ chatHistory: toChatHistory(messages) });
  return { tokens: state.contextText.tokenize(model.tokenizer), stopTriggers: state.stopGenerationTriggers };
}
