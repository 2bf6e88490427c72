import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Usage } from "@llm/contracts";
import { asUsage, estimateOutputTokens } from "../../forward/usage.js";
import { estimateChatPromptTokens, estimateTextTokens } from "../../pricing/estimate.js";
import type { CallContext } from "../../providers/types.js";
import type { Candidate } from "../../routing/strategies.js";
import type { InboundExchange, InboundStreamItem, InboundTranslation } from "./inbound-api.js";

/**
 * Builds one request's exchange from an inbound API's translation (inbound-api.ts explains the
 * mechanism): per attempt, a native target gets the client's request, any other target the chat
 * body through its adapter, answered through the translation.
 */
export function createExchange<Req>(
  spec: InboundTranslation<Req>,
  request: Req,
  chat: ChatCompletionRequest,
): InboundExchange {
  const native = spec.native;
  const chatFor = (cand: Candidate) => spec.chatFor?.(chat, request, cand.target) ?? chat;
  return {
    chat,
    async answer(cand, ctx) {
      const t = cand.target;
      if (native?.accepts(t)) return native.answer(t, request, ctx);
      const result = await t.adapter.chat(chatFor(cand), ctx);
      const usage = asUsage(result.usage) ?? estimatedUsage(chat, estimateOutputTokens(result));
      return { body: spec.answer(result, request, usage), usage };
    },
    async stream(cand, ctx) {
      const t = cand.target;
      if (native?.accepts(t)) return native.stream(t, request, ctx);
      // Awaited here, so a refusal before the first byte throws and failover stays possible.
      const chunks = await t.adapter.chatStream(chatFor(cand), ctx);
      return translated(spec, request, chat, chunks, ctx);
    },
    errorFrames: (err) => spec.errorFrames(err),
  };
}

/** Usage when an upstream reported none: the prompt estimate and the answer's estimated length. */
function estimatedUsage(chat: ChatCompletionRequest, completion: number): Usage {
  const prompt = estimateChatPromptTokens(chat);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

async function* translated<Req>(
  spec: InboundTranslation<Req>,
  request: Req,
  chat: ChatCompletionRequest,
  chunks: AsyncIterable<ChatCompletionChunk>,
  ctx: CallContext,
): AsyncGenerator<InboundStreamItem> {
  const translator = spec.stream(request, ctx.upstreamModel);
  let usage: Usage | undefined;
  let chars = 0;
  for await (const c of chunks) {
    const u = asUsage(c.usage);
    if (u) usage = u;
    else chars += deltaChars(c);
    const frames = translator.chunk(c);
    if (frames.length > 0 || u) yield u ? { frames, usage: u } : { frames };
  }
  const final = usage ?? estimatedUsage(chat, chars === 0 ? 0 : estimateTextTokens(" ".repeat(chars)));
  yield { frames: translator.end(final), usage: final };
}

/** Characters of text, reasoning and tool arguments in a chunk: the basis of an output estimate. */
function deltaChars(c: ChatCompletionChunk): number {
  let n = 0;
  for (const choice of c.choices ?? []) {
    const d = choice.delta as {
      content?: string | null;
      reasoning_content?: string;
      tool_calls?: { function?: { arguments?: string } }[];
    };
    n += d?.content?.length ?? 0;
    n += d?.reasoning_content?.length ?? 0;
    for (const call of d?.tool_calls ?? []) n += call.function?.arguments?.length ?? 0;
  }
  return n;
}

/** The chat answer's text, for translators that need it whole. */
export function answerText(result: ChatCompletion): string {
  const content = result.choices[0]?.message?.content;
  return typeof content === "string" ? content : "";
}
