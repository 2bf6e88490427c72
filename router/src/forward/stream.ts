import type { AttemptSignal } from "./abort.js";
import { ClientClosedError } from "./abort.js";
import type { ForwardDeps } from "./context.js";
import { SseWriter } from "./sse-writer.js";
import type { AttemptInput, StreamChunk } from "./types.js";
import { CLIENT_CLOSED } from "./types.js";
import { asUsage, classify, estimateOutputTokens } from "./upstream.js";

/** Streams the rest of an upstream SSE response to the client; failures become an SSE error event. */
export async function pipeStream(
  deps: ForwardDeps,
  a: AttemptInput,
  it: AsyncIterator<StreamChunk>,
  head: IteratorResult<StreamChunk>,
  sig: AttemptSignal,
  idleMs: number,
  routeHeaders: Record<string, string>,
): Promise<void> {
  const writer = new SseWriter(a.res);
  const wantsUsage = (a.body as { stream_options?: { include_usage?: boolean } | null }).stream_options
    ?.include_usage;
  let completionChars = 0;
  writer.start(routeHeaders);
  let next = head;
  try {
    while (!next.done) {
      const chunk = next.value;
      const usage = asUsage(chunk.usage);
      if (usage) a.outcome.usage = usage;
      const usageOnly = usage !== undefined && (chunk.choices?.length ?? 0) === 0;
      if (!a.outcome.usage) completionChars += estimateOutputTokens(chunk) * 4;
      // The router always asks upstream for usage; the client sees that chunk only if it asked too.
      // The idle deadline covers waiting for the upstream, not for a slow client to drain.
      sig.disarm();
      if (!usageOnly || wantsUsage) await writer.data(JSON.stringify(chunk));
      sig.arm(idleMs, "idle");
      next = await it.next();
    }
    await writer.data("[DONE]");
  } catch (raw) {
    const err = classify(raw, a.outcome.candidate?.target.name ?? "upstream");
    if (err instanceof ClientClosedError) {
      a.outcome.status = CLIENT_CLOSED;
      await it.return?.();
      return;
    }
    deps.logger.warn({ requestId: a.outcome.requestId, status: err.status }, "upstream failed mid-stream");
    await writer.data(JSON.stringify(err.body));
    a.outcome.status = err.status;
    // Rethrow so the attempt loop books the failure on the target's breaker.
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
