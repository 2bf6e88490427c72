/** One Server-Sent Event: its `event` name (default "message"), joined `data` lines and `id`. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * A minimal incremental parser of the SSE wire format (WHATWG HTML § 9.2.6 "Interpreting an event
 * stream"): lines end in LF, CR or CRLF; `field: value` with one optional space after the colon; lines
 * starting with ":" are comments; a blank line dispatches the event (none when it has no data).
 * The browser's EventSource cannot send an Authorization header, so the console reads streams with
 * fetch and this parser (eventsource-parser is a router dependency, not the console's).
 */
export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private id: string | undefined;
  private pendingCr = false;

  constructor(private readonly onEvent: (e: SseEvent) => void) {}

  /** Feeds a decoded chunk; complete events are dispatched synchronously. */
  feed(chunk: string): void {
    let text = chunk;
    // A CR at the end of the previous chunk may be the first half of a CRLF.
    if (this.pendingCr && text.startsWith("\n")) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== "\n" && c !== "\r") continue;
      this.line(this.buffer.slice(start, i));
      if (c === "\r") {
        if (i + 1 === this.buffer.length) this.pendingCr = true;
        else if (this.buffer[i + 1] === "\n") i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string): void {
    if (line === "") {
      if (this.data.length > 0)
        this.onEvent({ event: this.event || "message", data: this.data.join("\n"), id: this.id });
      this.data = [];
      this.event = "";
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) this.id = value;
  }
}

/** Reads a fetch body as SSE until it ends or `signal` aborts. */
export async function readSse(
  body: ReadableStream<Uint8Array>,
  onEvent: (e: SseEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser(onEvent);
  const cancel = () => void reader.cancel().catch(() => {});
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    // An event without its closing blank line at end of stream is discarded, as the spec says.
    parser.feed(decoder.decode());
  } finally {
    signal?.removeEventListener("abort", cancel);
  }
}
