import type { AttemptSignal } from "./abort.js";
import { ClientClosedError } from "./abort.js";
import type { ForwardDeps } from "./context.js";
import { asAttemptError } from "./failover.js";
import type { SseWriter } from "./sse-writer.js";
import { toolCallsIn } from "./tool-calls.js";
import type { AttemptInput, StreamChunk } from "./types.js";
import { CLIENT_CLOSED } from "./types.js";
import { asUsage, estimateOutputTokens } from "./usage.js";

/**
 * Streams the rest of an upstream SSE response to the client, from its first event `head`
 * (already read, so failover stayed possible until then) to `[DONE]`. A failure now becomes an
 * SSE error event that ends the stream, and is rethrown so the attempt books it on the target's
 * breaker; a client that goes away ends the stream quietly (status 499).
 */
export async function pipeStream(
  deps: ForwardDeps,
  a: AttemptInput,
  it: AsyncIterator<StreamChunk>,
  head: IteratorResult<StreamChunk>,
  sig: AttemptSignal,
  idleMs: number,
  writer: SseWriter,
): Promise<void> {
  const wantsUsage = (a.body as { stream_options?: { include_usage?: boolean } | null }).stream_options
    ?.include_usage;
  let completionChars = 0;
  let next = head;
  try {
    while (!next.done) {
      const chunk = next.value;
      a.capture?.event(chunk);
      const usage = asUsage(chunk.usage);
      if (usage) a.outcome.usage = usage;
      const calls = toolCallsIn(chunk);
      if (calls > 0) a.outcome.toolCalls = (a.outcome.toolCalls ?? 0) + calls;
      const usageOnly = usage !== undefined && (chunk.choices?.length ?? 0) === 0;
      if (!a.outcome.usage) completionChars += estimateOutputTokens(chunk) * 4;
      // The router always asks upstream for usage; the client sees that chunk only if it asked too.
      // The idle deadline covers waiting for the upstream, not for a slow client to drain.
      sig.disarm();
      // An inbound API's item carries its own frames (inbound/shared/inbound-api.ts).
      if (chunk.frames) for (const f of chunk.frames) await writer.frame(f);
      else if (!usageOnly || wantsUsage) await writer.data(JSON.stringify(chunk));
      sig.arm(idleMs, "idle");
      next = await it.next();
    }
    // Only a stream that ended well is stored by the response cache.
    a.capture?.completed();
    if (!a.exchange) await writer.data("[DONE]");
  } catch (raw) {
    const err = asAttemptError(raw, a.outcome.candidate?.target.name ?? "upstream");
    if (err instanceof ClientClosedError) {
      a.outcome.status = CLIENT_CLOSED;
      await it.return?.();
      return;
    }
    deps.logger.warn({ requestId: a.outcome.requestId, status: err.status }, "upstream failed mid-stream");
    if (a.exchange) for (const f of a.exchange.errorFrames(err)) await writer.frame(f);
    else await writer.data(JSON.stringify(err.body));
    a.outcome.status = err.status;
    throw err;
  } finally {
    a.outcome.usage ??= {
      prompt_tokens: a.profile.promptTokens,
      completion_tokens: Math.ceil(completionChars / 4),
      total_tokens: 0,
    };
    writer.end();
  }
}
