/**
 * `pnpm bench:runtime --tools`: what tool calling costs on the same model, request by request
 * (interleaved, medians of `--reps`), through the runtime's OpenAI API:
 *   plain           the messages alone, free decoding;
 *   tools, "none"   the same messages with the tools rendered (same prompt as below), free decoding;
 *   tools, forced   `tool_choice: "required"`: decoding under the call grammar.
 * Grammar overhead per token = forced ms/token - "none" ms/token (same prompt, same model). Time to
 * first tool-call delta is what a streaming client waits for: the call's first delta goes out once
 * its name is complete. Random weights: only the speed figures mean anything.
 */
import { Agent, fetch } from "undici";
import { sseData } from "../sse/sse-data.js";
import { median } from "../stats/distribution.js";

const agent = new Agent({ keepAliveTimeout: 1_000, keepAliveMaxTimeout: 1_000 });

const TOOLS = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Current weather for a city",
      parameters: {
        type: "object",
        properties: {
          city: { type: "string", maxLength: 24, description: "City name" },
          unit: { enum: ["celsius", "fahrenheit"] },
          days: { type: "integer", description: "Forecast days" },
        },
        required: ["city", "unit", "days"],
        additionalProperties: false,
      },
    },
  },
  {
    type: "function",
    function: {
      name: "search",
      description: "Search the web",
      parameters: {
        type: "object",
        properties: { query: { type: "string", maxLength: 48 } },
        required: ["query"],
        additionalProperties: false,
      },
    },
  },
];

export interface ToolsSample {
  promptTokens: number;
  completionTokens: number;
  /** Request start to the first delta of any kind. */
  ttftMs: number;
  /** Request start to the first `delta.tool_calls` (forced only). */
  firstCallMs?: number;
  /** Decode rate, first delta to last. */
  tokensPerSecond: number;
  /** Request start to the last delta. */
  totalMs: number;
}

type Mode = "plain" | "none" | "forced";

/** The runtime's own time-to-first-token sum (seconds): it sees the first token even when the HTTP layer holds it back. */
async function ttftSum(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { dispatcher: agent })).text();
  const line = text.split("\n").find((l) => l.startsWith("llm_runtime_time_to_first_token_seconds_sum "));
  return Number(line?.split(" ")[1] ?? 0);
}

async function run(url: string, mode: Mode, tokens: number, i: number): Promise<ToolsSample> {
  const body: Record<string, unknown> = {
    model: "bench",
    messages: [{ role: "user", content: `Question ${i}: what is the weather in Lisbon for the next days?` }],
    max_tokens: mode === "forced" ? tokens * 4 : tokens,
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
  };
  if (mode !== "plain")
    Object.assign(body, { tools: TOOLS, tool_choice: mode === "none" ? "none" : "required" });
  if (mode === "forced") body.parallel_tool_calls = false;
  const serverBefore = await ttftSum(url);
  const t0 = performance.now();
  const res = await fetch(`${url}/v1/chat/completions`, {
    dispatcher: agent,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 200 || !res.body) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  let first = 0;
  let last = 0;
  let firstCall = 0;
  let usage = { prompt_tokens: 0, completion_tokens: 0 };
  for await (const data of sseData(res.body)) {
    if (data === "[DONE]") continue;
    const json = JSON.parse(data) as {
      choices: { delta: { content?: string; tool_calls?: unknown[] } }[];
      usage?: typeof usage | null;
    };
    if (json.usage) usage = json.usage;
    const delta = json.choices[0]?.delta;
    if (!delta || (!delta.content && !delta.tool_calls)) continue;
    const now = performance.now();
    if (first === 0) first = now;
    if (delta.tool_calls && firstCall === 0) firstCall = now;
    last = now;
  }
  const serverTtftMs = ((await ttftSum(url)) - serverBefore) * 1000;
  // Decode time = request time less the runtime's own time to its first token (prefill and queue),
  // so a forced call (whose first delta waits for the name) and a cached prompt are measured alike.
  const seconds = (last - t0 - serverTtftMs) / 1000;
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    ttftMs: first - t0,
    firstCallMs: firstCall > 0 ? firstCall - t0 : undefined,
    tokensPerSecond: seconds > 0 ? (usage.completion_tokens - 1) / seconds : 0,
    totalMs: last - t0,
  };
}

export interface ToolsBenchResult {
  rows: {
    mode: Mode;
    label: string;
    promptTokens: number;
    completionTokens: number;
    ttftMs: number;
    firstCallMs?: number;
    tokensPerSecond: number;
    msPerToken: number;
  }[];
  /** forced ms/token - "none" ms/token. */
  grammarOverheadMsPerToken: number;
  /** forced tok/s / "none" tok/s. */
  decodeRatio: number;
}

const LABELS: Record<Mode, string> = {
  plain: "plain (no tools)",
  none: 'tools, tool_choice "none"',
  forced: 'tools, "required" (grammar)',
};

/** Interleaves the three kinds `reps` times (after one warm-up each) and takes medians. */
export async function measureTools(url: string, tokens: number, reps: number): Promise<ToolsBenchResult> {
  const modes: Mode[] = ["plain", "none", "forced"];
  for (const m of modes) await run(url, m, tokens, -1);
  const samples = new Map<Mode, ToolsSample[]>(modes.map((m) => [m, []]));
  for (let r = 0; r < reps; r++) for (const m of modes) samples.get(m)?.push(await run(url, m, tokens, r));
  const rows = modes.map((mode) => {
    const s = samples.get(mode) ?? [];
    const rate = median(s.map((x) => x.tokensPerSecond));
    const calls = s.map((x) => x.firstCallMs).filter((v): v is number => v !== undefined);
    return {
      mode,
      label: LABELS[mode],
      promptTokens: median(s.map((x) => x.promptTokens)),
      completionTokens: median(s.map((x) => x.completionTokens)),
      ttftMs: median(s.map((x) => x.ttftMs)),
      firstCallMs: calls.length > 0 ? median(calls) : undefined,
      tokensPerSecond: rate,
      msPerToken: rate > 0 ? 1000 / rate : 0,
    };
  });
  const none = rows[1];
  const forced = rows[2];
  return {
    rows,
    grammarOverheadMsPerToken: (forced?.msPerToken ?? 0) - (none?.msPerToken ?? 0),
    decodeRatio: (forced?.tokensPerSecond ?? 0) / (none?.tokensPerSecond || 1),
  };
}

export function printTools(model: string, threads: number, reps: number, r: ToolsBenchResult): void {
  console.log(
    `runtime tool-calling benchmark: ${model}, threads ${threads}, ${reps} reps (medians, interleaved)`,
  );
  console.log("");
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(
    `${pad("", 30)}${pad("prompt tok", 12)}${pad("output tok", 12)}${pad("TTFT ms", 10)}${pad("1st call ms", 13)}${pad("tok/s", 9)}ms/tok`,
  );
  for (const row of r.rows) {
    console.log(
      `${pad(row.label, 30)}${pad(String(row.promptTokens), 12)}${pad(String(row.completionTokens), 12)}` +
        `${pad(row.ttftMs.toFixed(1), 10)}${pad(row.firstCallMs === undefined ? "-" : row.firstCallMs.toFixed(1), 13)}` +
        `${pad(row.tokensPerSecond.toFixed(1), 9)}${row.msPerToken.toFixed(2)}`,
    );
  }
  console.log("");
  console.log(
    `grammar overhead: ${r.grammarOverheadMsPerToken >= 0 ? "+" : ""}${r.grammarOverheadMsPerToken.toFixed(2)} ms/token; ` +
      `forced/none decode rate ${r.decodeRatio.toFixed(3)} (same prompt, same model)`,
  );
  console.log(
    "tok/s: tokens after the first over (request time - the runtime's own time to first token); TTFT, 1st call: at the client",
  );
}
