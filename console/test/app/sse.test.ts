import { readSse, type SseEvent, SseParser } from "../../src/app/sse.js";

const parse = (chunks: string[]) => {
  const out: SseEvent[] = [];
  const p = new SseParser((e) => out.push(e));
  for (const c of chunks) p.feed(c);
  return out;
};

describe("SseParser (the console's SSE reader)", () => {
  it("dispatches on a blank line, joining data lines and keeping event name and id", () => {
    expect(parse(['event: decision\nid: 7\ndata: {"a":1}\n\ndata: x\ndata: y\n\n'])).toEqual([
      { event: "decision", data: '{"a":1}', id: "7" },
      { event: "message", data: "x\ny", id: "7" },
    ]);
  });

  it("handles events split anywhere, CRLF split across chunks, CR line ends and comments", () => {
    const text = ': keep-alive\r\ndata: {"choices":[1]}\r\n\r\ndata:no-space\r\rdata: [DONE]\n\n';
    for (let i = 1; i < text.length; i++) {
      expect(parse([text.slice(0, i), text.slice(i)]).map((e) => e.data)).toEqual([
        '{"choices":[1]}',
        "no-space",
        "[DONE]",
      ]);
    }
  });

  it("ignores an event without data and a trailing event without its blank line", async () => {
    expect(parse(["event: ping\n\n"])).toEqual([]);
    const body = new Response("data: one\n\ndata: cut").body!;
    const seen: string[] = [];
    await readSse(body, (e) => seen.push(e.data));
    expect(seen).toEqual(["one"]);
  });
});
