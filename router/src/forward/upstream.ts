import {
  type ChatCompletionRequest,
  type CompletionRequest,
  type EmbeddingsRequest,
  errorBody,
  type Usage,
} from "@llm/contracts";
import { estimateTextTokens } from "../pricing/estimate.js";
import { type CallContext, type ProviderAdapter, UpstreamError } from "../providers/types.js";
import type { EndpointKind } from "../routing/profile.js";
import { AttemptTimeoutError, ClientClosedError } from "./abort.js";
import type { AnyRequest } from "./types.js";

function unsupported(kind: EndpointKind): Promise<never> {
  return Promise.reject(new UpstreamError(501, errorBody(501, `target does not implement ${kind}`), true));
}

/** Calls the adapter method for this endpoint; a missing method fails over like an outage. */
export function call(
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

/** Completion tokens of a response that reported no usage, estimated from its text. */
export function estimateOutputTokens(result: { choices?: unknown[] }): number {
  let chars = 0;
  for (const c of result.choices ?? []) {
    const choice = c as { message?: { content?: unknown }; text?: unknown; delta?: { content?: unknown } };
    const text = choice.message?.content ?? choice.text ?? choice.delta?.content;
    if (typeof text === "string") chars += text.length;
  }
  return estimateTextTokens(" ".repeat(chars));
}

export function asUsage(u: unknown): Usage | undefined {
  if (!u || typeof u !== "object") return undefined;
  const x = u as Partial<Usage>;
  if (typeof x.prompt_tokens !== "number") return undefined;
  const completion = typeof x.completion_tokens === "number" ? x.completion_tokens : 0;
  return {
    prompt_tokens: x.prompt_tokens,
    completion_tokens: completion,
    total_tokens: x.prompt_tokens + completion,
  };
}

/** Classifies an attempt failure: upstream errors as they are, our timeouts as retryable 504s. */
export function classify(err: unknown, target: string): UpstreamError | ClientClosedError {
  if (err instanceof UpstreamError || err instanceof ClientClosedError) return err;
  if (err instanceof AttemptTimeoutError)
    return new UpstreamError(
      504,
      errorBody(504, `upstream ${target} timed out (${err.phase.replace("_", " ")})`, {
        code: "upstream_timeout",
      }),
      true,
    );
  return new UpstreamError(
    502,
    errorBody(502, `upstream ${target} failed`, { code: "upstream_error" }),
    true,
  );
}
