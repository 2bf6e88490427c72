import { Agent, fetch } from "undici";
import { sseData } from "../sse/sse-data.js";
import { cpuMs, type Sample } from "./stats.js";

/**
 * Interleaving leaves each server's connections idle for seconds while the other contender runs,
 * close to both servers' 5 s keep-alive timeout: a POST on a socket the server is closing fails
 * with "other side closed" (it ended a 21-rep run once). Dropping idle sockets after 1 s avoids
 * the race; the reconnect costs both contenders the same ~0.1 ms on loopback.
 */
const agent = new Agent({ keepAliveTimeout: 1_000, keepAliveMaxTimeout: 1_000 });

/**
 * One streamed /v1/completions request, timed at the client: time to the first content chunk,
 * decode time to the last, and completion tokens from the final usage chunk.
 */
export async function streamCompletion(url: string, text: string, maxTokens: number): Promise<Sample> {
  const t0 = performance.now();
  const c0 = cpuMs();
  const res = await fetch(`${url}/v1/completions`, {
    dispatcher: agent,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "bench",
      prompt: text,
      max_tokens: maxTokens,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    }),
  });
  if (res.status !== 200 || !res.body) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  let first = 0;
  let last = 0;
  let cpuFirst = 0;
  let cpuLast = 0;
  let tokens = 0;
  let chunks = 0;
  for await (const data of sseData(res.body)) {
    if (data === "[DONE]") continue;
    const json = JSON.parse(data) as {
      choices: { text: string }[];
      usage?: { completion_tokens: number } | null;
    };
    if (json.usage) tokens = json.usage.completion_tokens;
    if (json.choices[0]?.text) {
      chunks++;
      const now = performance.now();
      const cpu = cpuMs();
      if (first === 0) {
        first = now;
        cpuFirst = cpu;
      }
      last = now;
      cpuLast = cpu;
    }
  }
  return {
    ttftMs: first - t0,
    // Servers that send no usage chunk (older llama-server): one text chunk per token.
    tokens: tokens || chunks,
    decodeMs: last - first,
    totalMs: performance.now() - t0,
    cpuTtftMs: cpuFirst - c0,
    cpuDecodeMs: cpuLast - cpuFirst,
  };
}
