import { sseData } from "../../src/sse/sse-data.js";

async function collect(chunks: string[]): Promise<string[]> {
  async function* body() {
    for (const c of chunks) yield new TextEncoder().encode(c);
  }
  const out: string[] = [];
  for await (const d of sseData(body())) out.push(d);
  return out;
}

describe("bench SSE reading", () => {
  it("reads data payloads split anywhere across chunks", async () => {
    expect(await collect(['data: {"a"', ":1}\n", "\ndata: [DONE]\n\n"])).toEqual(['{"a":1}', "[DONE]"]);
  });

  it("accepts CRLF line ends (the runtime bench's old reader waited for \\n\\n forever)", async () => {
    expect(await collect(['data: {"x":1}\r\n\r\ndata: [DONE]\r\n\r\n'])).toEqual(['{"x":1}', "[DONE]"]);
  });

  it("joins a multi-line data field with newlines (the compare bench's old reader parsed each line alone)", async () => {
    expect(await collect(['data: {"x":\ndata: 2}\n\n'])).toEqual(['{"x":\n2}']);
  });

  it("skips comments and event names, and drops an event the stream ended without closing", async () => {
    expect(await collect([": keep-alive\n\nevent: message\ndata: one\n\ndata: two"])).toEqual(["one"]);
  });
});
