import { errorBody, isOpenAIErrorBody } from "@llm/contracts";
import type { Dispatcher } from "undici";
import { sseEvents } from "../shared/sse.js";
import { UpstreamError } from "../types.js";

/**
 * The `data:` payloads of an OpenAI-wire SSE response until `[DONE]`, parsed. Strict, since our
 * runtimes always end with `[DONE]`: a malformed event, an `{error}` event or an early end
 * throws (not retryable: bytes may already have reached the client). An abort rethrows its
 * reason, so the router tells a gone client from a failed upstream.
 */
export async function* wireChunks<T>(
  res: Dispatcher.ResponseData,
  label: string,
  signal: AbortSignal,
): AsyncGenerator<T> {
  let done = false;
  try {
    for await (const { data } of sseEvents(res.body)) {
      if (data === "[DONE]") {
        done = true;
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        throw new UpstreamError(
          502,
          errorBody(502, `upstream ${label} sent a malformed stream event`),
          false,
        );
      }
      if (isOpenAIErrorBody(parsed)) throw new UpstreamError(502, parsed, false);
      yield parsed as T;
    }
  } catch (err) {
    if (err instanceof UpstreamError) throw err;
    if (signal.aborted) throw signal.reason ?? err;
    throw new UpstreamError(502, errorBody(502, `upstream ${label} stream failed`), false);
  } finally {
    if (!done) res.body.destroy();
  }
  throw new UpstreamError(502, errorBody(502, `upstream ${label} stream ended before [DONE]`), false);
}
