import { call, ensureOk } from "../api.js";
import { readSse } from "../sse.js";

/** A decision event of `GET /admin/events` (router/src/events/schema.ts `decisionEvent`). */
export interface DecisionEvent {
  type: "decision";
  time: string;
  requestId: string;
  tenant: string;
  model: string;
  target: string;
  reason: string;
  status: number;
  stream: boolean;
  tokens: { prompt: number; completion: number; total: number };
  costUsd: number;
  savedUsd?: number;
  latencyMs: number;
  cache: { hit: boolean; readTokens: number; writeTokens: number };
}

/** Any other event (target_state, circuit_open, budget.alert, failover, …): shown as a line. */
export interface OtherEvent {
  type: string;
  time: string;
  [field: string]: unknown;
}

export type RouterEvent = DecisionEvent | OtherEvent;

export type FeedState = "connecting" | "live" | "retrying" | "unavailable";

/**
 * Follows `GET /admin/events` (SSE) with fetch, since EventSource cannot send the Bearer key.
 * Reconnects with a growing delay after a dropped stream; stops on 401/403/404 (not for this key,
 * or a router without the endpoint). Returns a function that stops it.
 */
export function followEvents(
  onEvent: (e: RouterEvent) => void,
  onState: (s: FeedState, why?: string) => void,
) {
  const ac = new AbortController();
  let delay = 1000;
  let first = true;
  const run = async () => {
    while (!ac.signal.aborted) {
      onState("connecting");
      try {
        // replay: the last events the router kept, so the feed is not empty on open (once: a
        // reconnect would show them twice).
        const res = await call(`/admin/events?replay=${first ? 50 : 0}`, {
          headers: { accept: "text/event-stream" },
          signal: ac.signal,
        });
        first = false;
        if ([401, 403, 404].includes(res.status)) {
          await ensureOk(res).catch((e: Error) => onState("unavailable", e.message));
          return;
        }
        await ensureOk(res);
        onState("live");
        delay = 1000;
        await readSse(
          res.body!,
          (e) => {
            try {
              const data = JSON.parse(e.data) as RouterEvent;
              if (data && typeof data === "object" && typeof data.type === "string") onEvent(data);
            } catch {
              // A keep-alive or a non-JSON line: nothing to show.
            }
          },
          ac.signal,
        );
      } catch (err) {
        if (ac.signal.aborted) return;
        onState("retrying", (err as Error).message);
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  };
  void run();
  return () => ac.abort();
}

export const isDecision = (e: RouterEvent): e is DecisionEvent => e.type === "decision";
