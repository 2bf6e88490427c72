import { type ChatMessage, contentText, HttpError } from "@llm/contracts";
import type {
  ChatHistoryItem,
  ChatModelFunctionCall,
  ChatModelFunctions,
  ChatWrapper,
  LlamaModel,
  LlamaText,
  Token,
} from "node-llama-cpp";

type ModelItem = Extract<ChatHistoryItem, { type: "model" }>;

function badInput(message: string, param: string): HttpError {
  return new HttpError(400, message, { param, code: "invalid_value" });
}

/** A call's JSON arguments as the template renders them; 400 naming the field when they are not JSON. */
function callParams(args: string, param: string): unknown {
  try {
    return args.trim() === "" ? {} : JSON.parse(args);
  } catch {
    throw badInput("function.arguments is not valid JSON", param);
  }
}

/**
 * OpenAI messages -> node-llama-cpp chat history. System and developer messages become system
 * items, assistant messages model items. An assistant message's `tool_calls` become function calls
 * of its model item, each completed by the `tool` message that answers its id (node-llama-cpp keeps a
 * call and its result together). When the history ends with tool results the model continues that
 * same turn; otherwise an empty model item opens the reply. Inputs this runtime cannot honour (images)
 * are rejected, never silently dropped.
 */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  /** Calls of the last assistant message still waiting for their tool message, by id. */
  const pending = new Map<string, ChatModelFunctionCall>();
  let openTurn: ModelItem | undefined;

  const closeTurn = (i: number) => {
    const [id] = pending.keys();
    if (id !== undefined) {
      throw badInput(
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id' (missing '${id}')`,
        `messages.${i}`,
      );
    }
    openTurn = undefined;
  };

  messages.forEach((m, i) => {
    switch (m.role) {
      case "system":
      case "developer":
        closeTurn(i);
        history.push({ type: "system", text: contentText(m.content) });
        return;
      case "user":
        closeTurn(i);
        if (Array.isArray(m.content) && m.content.some((p) => p.type !== "text")) {
          throw new HttpError(400, "Image inputs are not supported by this model", {
            param: `messages.${i}.content`,
            code: "unsupported_content",
          });
        }
        history.push({ type: "user", text: contentText(m.content) });
        return;
      case "assistant": {
        closeTurn(i);
        const response: ModelItem["response"] = [];
        const text = contentText(m.content ?? null);
        if (text) response.push(text);
        (m.tool_calls ?? []).forEach((c, j) => {
          const call: ChatModelFunctionCall = {
            type: "functionCall",
            name: c.function.name,
            params: callParams(c.function.arguments, `messages.${i}.tool_calls.${j}.function.arguments`),
            result: undefined,
            startsNewChunk: j === 0,
          };
          pending.set(c.id, call);
          response.push(call);
        });
        const item: ModelItem = { type: "model", response };
        history.push(item);
        if (pending.size > 0) openTurn = item;
        return;
      }
      case "tool": {
        const call = pending.get(m.tool_call_id);
        if (!call || !openTurn) {
          throw badInput(
            `tool_call_id '${m.tool_call_id}' does not answer a tool call of the preceding assistant message`,
            `messages.${i}.tool_call_id`,
          );
        }
        call.result = contentText(m.content);
        pending.delete(m.tool_call_id);
        return;
      }
    }
  });
  closeTurn(messages.length);
  const last = history.at(-1);
  const continues =
    last?.type === "model" && last.response.some((r) => typeof r !== "string" && r.type === "functionCall");
  if (!continues) history.push({ type: "model", response: [] });
  return history;
}

/** The rendered chat prompt and the template's own end-of-turn stop triggers. */
export function renderChat(
  wrapper: ChatWrapper,
  model: LlamaModel,
  messages: readonly ChatMessage[],
  functions?: ChatModelFunctions,
): { tokens: Token[]; stopTriggers: LlamaText[] } {
  const state = wrapper.generateContextState({
    chatHistory: toChatHistory(messages),
    availableFunctions: functions,
    documentFunctionParams: functions ? true : undefined,
  });
  return { tokens: state.contextText.tokenize(model.tokenizer), stopTriggers: state.stopGenerationTriggers };
}
