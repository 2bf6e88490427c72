import { createParser, type EventSourceMessage } from "eventsource-parser";

/** One Server-Sent Event: its `event:` name and `id:` (if any) and its `data:` lines joined by "\n". */
export type SseEvent = EventSourceMessage;

/**
 * Reads an SSE byte stream incrementally with `eventsource-parser` (the WHATWG event-stream
 * rules: LF, CRLF and lone-CR line ends, multi-line data, comments, a leading BOM). Every
 * upstream here streams this framing: cluster runtimes, OpenAI, Anthropic and Gemini (`alt=sse`).
 *
 * One leniency beyond the spec, kept from the readers this replaced: a last event whose stream
 * ends without the closing blank line is still delivered (the spec drops it), because some
 * OpenAI-compatible servers close right after their final `data:` line.
 */
export async function* sseEvents(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  // Events parsed from the current chunk; the parser calls back synchronously inside feed().
  let ready: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => ready.push(e) });
  for await (const chunk of body) {
    parser.feed(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    if (ready.length === 0) continue;
    const batch = ready;
    ready = [];
    yield* batch;
  }
  const tail = decoder.decode();
  // Two line ends close any pending line and then the pending event.
  parser.feed(`${tail}\n\n`);
  yield* ready;
}
