import {
  type ChatCompletionRequest,
  type CompletionRequest,
  type EmbeddingsRequest,
  errorBody,
} from "@llm/contracts";
import { type CallContext, type ProviderAdapter, UpstreamError } from "../providers/types.js";
import type { EndpointKind } from "../routing/profile.js";
import type { AnyRequest } from "./types.js";

function unsupported(kind: EndpointKind): Promise<never> {
  return Promise.reject(new UpstreamError(501, errorBody(501, `target does not implement ${kind}`), true));
}

/** Calls the adapter method for this endpoint; a missing method fails over like an outage. */
export function callAdapter(
  adapter: ProviderAdapter,
  kind: EndpointKind,
  stream: boolean,
  body: AnyRequest,
  ctx: CallContext,
) {
  if (kind === "chat")
    return stream
      ? adapter.chatStream(body as ChatCompletionRequest, ctx)
      : adapter.chat(body as ChatCompletionRequest, ctx);
  if (kind === "completions") {
    if (stream)
      return adapter.completionsStream
        ? adapter.completionsStream(body as CompletionRequest, ctx)
        : unsupported(kind);
    return adapter.completions ? adapter.completions(body as CompletionRequest, ctx) : unsupported(kind);
  }
  return adapter.embed ? adapter.embed(body as EmbeddingsRequest, ctx) : unsupported(kind);
}
