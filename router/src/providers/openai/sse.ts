/** One Server-Sent Event: its `event:` name (if any) and joined `data:` lines. */
export interface SseEvent {
  event?: string;
  data: string;
}

/**
 * Parses an SSE byte stream incrementally (per the WHATWG event-stream rules we need:
 * CRLF/LF line ends, multi-line data, comments ignored). Shared by all three adapters,
 * since OpenAI, Anthropic and Gemini (`alt=sse`) all stream this framing.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  let event: string | undefined;
  let data: string[] = [];
  const flushLine = function* (line: string): Generator<SseEvent> {
    if (line === "") {
      if (data.length > 0) yield { event, data: data.join("\n") };
      event = undefined;
      data = [];
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
  };
  for await (const chunk of body) {
    buffer += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let nl = buffer.search(/\r\n|\n|\r/);
    while (nl !== -1) {
      const line = buffer.slice(0, nl);
      const width = buffer.startsWith("\r\n", nl) ? 2 : 1;
      // A lone trailing \r may be the first half of \r\n split across chunks: wait for more.
      if (buffer[nl] === "\r" && width === 1 && nl === buffer.length - 1) break;
      buffer = buffer.slice(nl + width);
      yield* flushLine(line);
      nl = buffer.search(/\r\n|\n|\r/);
    }
  }
  buffer += decoder.decode();
  if (buffer.length > 0) yield* flushLine(buffer);
  yield* flushLine("");
}
