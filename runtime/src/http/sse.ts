import type { Response } from "express";

/** Starts a Server-Sent Events response; proxies (nginx ingress) are told not to buffer it. */
export function startSse(res: Response): void {
  res.status(200);
  res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
  res.setHeader("Cache-Control", "no-cache, no-transform");
  res.setHeader("Connection", "keep-alive");
  res.setHeader("X-Accel-Buffering", "no");
  res.flushHeaders();
}

/** Writes one `data:` event (OpenAI streams carry JSON objects, then the literal `[DONE]`). */
export function sendEvent(res: Response, data: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
}

export function endSse(res: Response): void {
  sendEvent(res, "[DONE]");
  if (!res.writableEnded) res.end();
}
