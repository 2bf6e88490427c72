import { createParser } from "eventsource-parser";

/**
 * The `data` payloads of a server-sent event stream (OpenAI's chat and completion streams), parsed by
 * eventsource-parser: CRLF line ends and multi-line `data:` fields come out as the spec says. Each
 * payload is yielded as soon as the chunk that completes it arrives, so timings taken in the loop body
 * (time to first token) are the arrival times.
 */
export async function* sseData(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const ready: string[] = [];
  const parser = createParser({ onEvent: (e) => ready.push(e.data) });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    while (ready.length) yield ready.shift()!;
  }
  // An event the stream ended without closing (no blank line) is dropped, as the SSE spec says.
  parser.feed(decoder.decode());
  while (ready.length) yield ready.shift()!;
}
