import { StringDecoder } from "node:string_decoder";

/**
 * Splits a byte stream of Server-Sent Events into the `data` payload of each event.
 * Multi-line data fields are joined with "\n"; comments, `event:` and `id:` lines are ignored
 * (OpenAI-style streams carry everything in `data`).
 */
export async function* sseData(body: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  let buf = "";
  let data: string[] = [];
  for await (const chunk of body) {
    buf += typeof chunk === "string" ? chunk : decoder.write(chunk as Buffer);
    let nl = buf.indexOf("\n");
    while (nl !== -1) {
      let line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (line === "") {
        if (data.length > 0) yield data.join("\n");
        data = [];
      } else if (line.startsWith("data:")) {
        data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
      }
      nl = buf.indexOf("\n");
    }
  }
  buf += decoder.end();
  if (buf.startsWith("data:")) data.push(buf.charCodeAt(5) === 32 ? buf.slice(6) : buf.slice(5));
  if (data.length > 0) yield data.join("\n");
}
