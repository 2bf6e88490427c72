import type { ServerResponse } from "node:http";

/** One server-sent event; `event` names are optional (OpenAI and Gemini send data-only frames). */
export interface SseFrame {
  event?: string;
  data: unknown;
}

/** Formats one event: objects are JSON-encoded, strings (`[DONE]`) sent as they are. */
export function sseFrame(f: SseFrame): string {
  const data = typeof f.data === "string" ? f.data : JSON.stringify(f.data);
  return `${f.event ? `event: ${f.event}\n` : ""}data: ${data}\n\n`;
}

/** Writes the event-stream head (once) and the frames; ends the response unless `end` is false. */
export function sse(res: ServerResponse, frames: SseFrame[], end = true): void {
  if (!res.headersSent) {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  }
  for (const f of frames) res.write(sseFrame(f));
  if (end) res.end();
}
