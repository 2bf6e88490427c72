import type { ServerResponse } from "node:http";

/**
 * Writes Server-Sent Events to the client with backpressure: when the socket buffer is full we
 * wait for `drain` before pulling the next upstream chunk, so a slow client slows the upstream
 * read instead of growing memory.
 */
export class SseWriter {
  private started = false;

  constructor(private readonly res: ServerResponse) {}

  get headersSent(): boolean {
    return this.started;
  }

  start(headers: Record<string, string>): void {
    this.res.statusCode = 200;
    for (const [k, v] of Object.entries(headers)) this.res.setHeader(k, v);
    this.res.setHeader("content-type", "text/event-stream; charset=utf-8");
    this.res.setHeader("cache-control", "no-cache");
    this.res.setHeader("connection", "keep-alive");
    this.res.setHeader("x-accel-buffering", "no");
    this.res.flushHeaders();
    this.started = true;
  }

  /** Writes one `data:` event; resolves when the socket can take more. */
  async data(payload: string): Promise<void> {
    if (this.res.destroyed) return;
    if (!this.res.write(`data: ${payload}\n\n`)) await this.drain();
  }

  /** Writes one event with its `event:` name (when set), as the Anthropic and Responses APIs stream. */
  async frame(f: { event?: string; data: string }): Promise<void> {
    if (this.res.destroyed) return;
    const text = f.event === undefined ? `data: ${f.data}\n\n` : `event: ${f.event}\ndata: ${f.data}\n\n`;
    if (!this.res.write(text)) await this.drain();
  }

  private drain(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.res.off("drain", done);
        this.res.off("close", done);
        resolve();
      };
      this.res.on("drain", done);
      this.res.on("close", done);
    });
  }

  end(): void {
    if (!this.res.destroyed) this.res.end();
  }
}
