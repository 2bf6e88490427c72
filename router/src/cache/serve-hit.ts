import type { ServerResponse } from "node:http";
import { usdText } from "../pricing/usd-text.js";
import type { CacheEntry } from "./exact-store.js";
import { replayFormatFor } from "./replay-format.js";
import type { CacheResultName } from "./response-cache.js";

/** How to answer a request from a stored entry. */
export interface HitAnswer {
  kind: string;
  stream: boolean;
  /** The client asked for usage in its stream (`stream_options.include_usage`). */
  includeUsage: boolean;
  result: Extract<CacheResultName, "hit" | "semantic-hit">;
  entry: CacheEntry;
  /** What the hit is charged (`x-router-cost-usd` on a JSON answer). */
  costUsd: number;
  /** Headers already decided for the response (overhead). */
  headers: Record<string, string>;
}

/**
 * Writes a stored answer: the JSON as stored (the same bytes the first answer had, unless the
 * endpoint's format rewrites per-response ids), or its replay as the endpoint's event stream.
 * `x-router-target` names the target that produced it and `x-router-reason` is `cache_hit`.
 * Returns false, having written nothing, when the stored answer is not JSON (then it is a miss).
 */
export function serveHit(res: ServerResponse, h: HitAnswer): boolean {
  const headers: Record<string, string> = {
    ...h.headers,
    "x-router-target": h.entry.target,
    "x-router-reason": "cache_hit",
    "x-router-cache": h.result,
  };
  const format = replayFormatFor(h.kind);
  let answer: object;
  try {
    answer = JSON.parse(h.entry.answer) as object;
  } catch {
    return false;
  }
  if (h.stream && format) {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    // A stored answer is small (maxEntryBytes): the socket buffers it, no backpressure wait needed.
    for (const e of format.replay(answer, { includeUsage: h.includeUsage }))
      res.write(e.event ? `event: ${e.event}\ndata: ${e.data}\n\n` : `data: ${e.data}\n\n`);
    res.end();
    return true;
  }
  const text = format?.rewrite ? JSON.stringify(format.rewrite(answer)) : h.entry.answer;
  headers["x-router-cost-usd"] = usdText(h.costUsd);
  res.writeHead(200, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
  return true;
}
