import type { ChatCompletionRequest, CompletionRequest, EmbeddingsRequest } from "@llm/contracts";
import {
  estimateChatPromptTokens,
  estimateCompletionPromptTokens,
  estimateCompletionTokens,
  estimateEmbeddingTokens,
} from "../pricing/estimate.js";

/**
 * The endpoint a request came in on. `messages` (Anthropic Messages) and `responses` (OpenAI
 * Responses) are inbound APIs translated to chat (router/src/inbound/shared/inbound-api.ts).
 */
export type EndpointKind = "chat" | "completions" | "embeddings" | "messages" | "responses";

/** What routing needs to know about a request: its model, size and required capabilities. */
export interface RequestProfile {
  endpoint: EndpointKind;
  model: string;
  promptTokens: number;
  /** Completion tokens it may produce (its cap, or the default). 0 for embeddings. */
  completionTokens: number;
  /** Capabilities a target must list: the endpoint, plus streaming/json_schema/tools/vision as used. */
  required: string[];
  stream: boolean;
}

export function chatProfile(req: ChatCompletionRequest, defaultMaxTokens: number): RequestProfile {
  const required = ["chat"];
  if (req.stream) required.push("streaming");
  if (req.response_format && req.response_format.type !== "text") required.push("json_schema");
  if (req.tools && req.tools.length > 0) required.push("tools");
  if (req.messages.some((m) => Array.isArray(m.content) && m.content.some((p) => p.type === "image_url")))
    required.push("vision");
  return {
    endpoint: "chat",
    model: req.model,
    promptTokens: estimateChatPromptTokens(req),
    completionTokens: estimateCompletionTokens(req, defaultMaxTokens),
    required,
    stream: req.stream === true,
  };
}

export function completionProfile(req: CompletionRequest, defaultMaxTokens: number): RequestProfile {
  return {
    endpoint: "completions",
    model: req.model,
    promptTokens: estimateCompletionPromptTokens(req),
    completionTokens: estimateCompletionTokens(req, defaultMaxTokens),
    required: req.stream ? ["completions", "streaming"] : ["completions"],
    stream: req.stream === true,
  };
}

export function embeddingsProfile(req: EmbeddingsRequest): RequestProfile {
  return {
    endpoint: "embeddings",
    model: req.model,
    promptTokens: estimateEmbeddingTokens(req),
    completionTokens: 0,
    required: ["embeddings"],
    stream: false,
  };
}
