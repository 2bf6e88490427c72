import { call } from "../api.js";
import { readSse } from "../sse.js";

/**
 * The cost of a streamed answer, which no response header can carry (headers go out before the
 * tokens): the router's `decision` event for the request id, read from `GET /admin/events` (every
 * role gets its own tenant's events; `replay` covers an event published before we connected).
 * Resolves null when the stream is not available to this key or the event does not come in time.
 */
export async function streamedCost(requestId: string, timeoutMs = 5000): Promise<number | null> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  let cost: number | null = null;
  try {
    const res = await call("/admin/events?types=decision&replay=50", {
      headers: { accept: "text/event-stream" },
      signal: ac.signal,
    });
    if (!res.ok || !res.body) return null;
    await readSse(
      res.body,
      (e) => {
        try {
          const d = JSON.parse(e.data) as { requestId?: string; costUsd?: number };
          if (d.requestId === requestId && typeof d.costUsd === "number") {
            cost = d.costUsd;
            ac.abort();
          }
        } catch {
          // not a JSON event
        }
      },
      ac.signal,
    );
  } catch {
    // aborted (found, or timed out) or the router went away
  } finally {
    clearTimeout(timer);
  }
  return cost;
}
