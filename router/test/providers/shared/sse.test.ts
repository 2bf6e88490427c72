import { sseEvents } from "../../../src/providers/shared/sse.js";

/** Feeds `parts` to the reader as separate byte chunks, as a socket would deliver them. */
async function events(...parts: (string | Uint8Array)[]) {
  async function* body() {
    for (const p of parts) yield typeof p === "string" ? new TextEncoder().encode(p) : p;
  }
  const out: { event?: string; data: string }[] = [];
  for await (const e of sseEvents(body())) out.push({ event: e.event, data: e.data });
  return out.map((e) => (e.event === undefined ? e.data : `${e.event}:${e.data}`));
}

describe("the shared SSE reader (eventsource-parser)", () => {
  it("reads CRLF line ends", async () => {
    expect(await events('data: {"a":1}\r\n\r\ndata: [DONE]\r\n\r\n')).toEqual(['{"a":1}', "[DONE]"]);
  });

  it("reads lone CR line ends (the third terminator the spec allows)", async () => {
    expect(await events("data: a\r\rdata: b\r\r")).toEqual(["a", "b"]);
  });

  it("keeps a CRLF split between two chunks as one line end", async () => {
    expect(await events("data: a\r", "\n\r", "\ndata: b\r\n\r\n")).toEqual(["a", "b"]);
  });

  it("joins multi-line data fields with a newline", async () => {
    expect(await events("data: line1\ndata: line2\ndata:\ndata: line4\n\n")).toEqual([
      "line1\nline2\n\nline4",
    ]);
  });

  it("skips comments and keep-alives, and events with no data", async () => {
    expect(await events(": keep-alive\n\n:ping\r\n\r\ndata: x\n\nevent: ping\n\n: bye\n\n")).toEqual(["x"]);
  });

  it("reassembles a line split mid-field and mid-value across chunks", async () => {
    expect(await events("da", "ta: hel", "lo wor", "ld\n", "\n", "data", ":", " two\n\n")).toEqual([
      "hello world",
      "two",
    ]);
  });

  it("does not split a multi-byte character cut between chunks", async () => {
    const bytes = new TextEncoder().encode("data: héllo ✓\n\n");
    const cut = bytes.indexOf(0xc3) + 1;
    expect(await events(bytes.slice(0, cut), bytes.slice(cut))).toEqual(["héllo ✓"]);
  });

  it("passes event names on and takes a field without a space after the colon", async () => {
    expect(await events("event: message_start\ndata:{}\n\nevent:ping\ndata: {}\n\n")).toEqual([
      "message_start:{}",
      "ping:{}",
    ]);
  });

  it("strips a byte-order mark at the start of the stream", async () => {
    expect(await events("\uFEFFdata: a\n\n")).toEqual(["a"]);
  });

  it("still delivers a last event whose stream ends without the blank line", async () => {
    expect(await events("data: a\n\ndata: last")).toEqual(["a", "last"]);
    expect(await events("data: a\n\ndata: last\n")).toEqual(["a", "last"]);
  });
});
