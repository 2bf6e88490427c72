import type { ChatCompletionRequest } from "@llm/contracts";
import { HttpError, parseBody } from "@llm/contracts";
import { createExchange } from "../shared/exchange.js";
import type { InboundApi, InboundTranslation } from "../shared/inbound-api.js";
import { nativeHeaders, requestBetas } from "./betas.js";
// The response cache's replay format for this endpoint (registered once, at load).
import "./replay.js";
import { fromChatAnswer } from "./from-chat.js";
import { type MessagesCall, nativeMessages } from "./native.js";
import { type MessagesRequest, messagesRequest } from "./schema.js";
import { messagesErrorFrames, messagesStream } from "./stream.js";
import { toChatRequest } from "./to-chat.js";

/** One `/v1/messages` request: the validated body, and what a native target gets. */
export interface MessagesExchangeRequest {
  request: MessagesRequest;
  call: MessagesCall;
}

/** The Messages translation the shared exchange runs (inbound/shared/inbound-api.ts). */
export const messagesTranslation: InboundTranslation<MessagesExchangeRequest> = {
  answer: (chat, r, usage) => fromChatAnswer(chat, r.request, usage),
  stream: (r, model) => messagesStream(r.request, model),
  errorFrames: messagesErrorFrames,
  // top_k has no chat-completions field: sent only to targets that list the `top_k` capability.
  chatFor: (chat, r, target) =>
    r.request.top_k !== undefined && target.capabilities.has("top_k")
      ? ({ ...chat, top_k: r.request.top_k } as ChatCompletionRequest)
      : chat,
  native: nativeMessages<MessagesExchangeRequest>(),
};

/**
 * Server tools (web search, code execution, bash, text editor, computer use, …) run on
 * Anthropic's side under a versioned `type`; the router cannot run them on any other target, so
 * they are refused by name before the schema's generic message.
 */
export function refuseServerTools(body: unknown): void {
  const tools = (body as { tools?: unknown } | undefined)?.tools;
  if (!Array.isArray(tools)) return;
  tools.forEach((t, i) => {
    const type = (t as { type?: unknown } | null)?.type;
    if (typeof type === "string" && type !== "custom")
      throw new HttpError(
        400,
        `tools.${i}.type: server tool "${type}" is not supported; only client tools (input_schema) are`,
        {
          param: `tools.${i}.type`,
          code: "unsupported_tool",
        },
      );
  });
}

/** The content blocks the router translates (schema.ts); others are refused by name. */
const KNOWN_BLOCKS = new Set(["text", "image", "tool_use", "tool_result", "thinking", "redacted_thinking"]);

/**
 * Content blocks the router does not translate (documents, search results, server tool results,
 * …) are refused naming the block and its type: a union's generic "Invalid input" would name
 * only the message.
 */
export function refuseUnknownBlocks(body: unknown): void {
  const messages = (body as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(messages)) return;
  messages.forEach((m, i) => {
    const content = (m as { content?: unknown } | null)?.content;
    if (!Array.isArray(content)) return;
    content.forEach((b, j) => {
      const type = (b as { type?: unknown } | null)?.type;
      if (typeof type === "string" && !KNOWN_BLOCKS.has(type))
        throw new HttpError(
          400,
          `messages.${i}.content.${j}.type: "${type}" blocks are not supported by this router`,
          {
            param: `messages.${i}.content.${j}.type`,
            code: "unsupported_content",
          },
        );
    });
  });
}

/** `POST /v1/messages` (Anthropic Messages API) as an inbound API of the one pipeline. */
export const messagesApi: InboundApi = {
  open(body, req) {
    refuseServerTools(body);
    refuseUnknownBlocks(body);
    const request = parseBody(messagesRequest, body);
    const betas = requestBetas(req.headers);
    const call: MessagesCall = {
      raw: body as Record<string, unknown>,
      headers: nativeHeaders(req.headers, betas),
    };
    return createExchange(messagesTranslation, { request, call }, toChatRequest(request));
  },
};
