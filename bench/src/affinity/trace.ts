import pLimit from "p-limit";
import { sseData } from "../sse/sse-data.js";

/** The multi-turn trace: conversations with long distinct openings, each turn resending the history. */
export interface TraceOptions {
  conversations: number;
  turns: number;
  /** Words in each conversation's opening (its history head): ~3 tokens each with the TinyLlama-shaped vocab (320: ~1,000 tokens). */
  words: number;
  /** Completion tokens per turn. */
  maxTokens: number;
  /** Conversations in flight at once (each runs its turns one after another). */
  concurrency: number;
  /** Distinct text per run, so a run never reuses a previous run's caches. */
  seed: number;
}

export interface TurnResult {
  conversation: number;
  turn: number;
  ttftMs: number;
  promptTokens?: number;
}

const WORDS =
  "river stone cloud maple signal orbit copper lantern harbor meadow quartz ember falcon willow summit canyon beacon velvet glacier thunder prairie cobalt saffron tundra island violet anchor marble sparrow cedar".split(
    " ",
  );

/** Deterministic per (seed, conversation): a small LCG, so reruns send the same text. */
function opening(seed: number, c: number, words: number): string {
  let x = (seed * 1_000_003 + c * 7919 + 1) >>> 0;
  const out: string[] = [`Conversation ${seed}-${c}. Keep these notes in mind:`];
  for (let i = 0; i < words; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out.push(WORDS[x % WORDS.length] as string);
  }
  return out.join(" ");
}

export function turnBody(o: TraceOptions, c: number, turn: number) {
  const messages: { role: string; content: string }[] = [
    { role: "system", content: "You are a terse assistant." },
    { role: "user", content: opening(o.seed, c, o.words) },
  ];
  for (let t = 2; t <= turn; t++) {
    // A fixed assistant reply: what a client resends is the same whatever was generated.
    messages.push({ role: "assistant", content: `Noted, part ${t - 1}.` });
    messages.push({ role: "user", content: `Now summarise note ${t * 3} in one word.` });
  }
  return {
    model: "tiny",
    messages,
    max_tokens: o.maxTokens,
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
  };
}

/** One streamed turn through the router: time to the first content chunk, and the prompt's size. */
async function runTurn(url: string, o: TraceOptions, c: number, turn: number): Promise<TurnResult> {
  const started = performance.now();
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(turnBody(o, c, turn)),
  });
  if (res.status !== 200 || !res.body)
    throw new Error(`turn ${c}/${turn}: HTTP ${res.status} ${await res.text()}`);
  let ttftMs: number | undefined;
  let promptTokens: number | undefined;
  for await (const data of sseData(res.body)) {
    if (data === "[DONE]") break;
    const chunk = JSON.parse(data) as {
      choices?: { delta?: { content?: string } }[];
      usage?: { prompt_tokens?: number };
    };
    if (ttftMs === undefined && chunk.choices?.some((ch) => ch.delta?.content))
      ttftMs = performance.now() - started;
    if (chunk.usage?.prompt_tokens) promptTokens = chunk.usage.prompt_tokens;
  }
  return { conversation: c, turn, ttftMs: ttftMs ?? performance.now() - started, promptTokens };
}

/** Every conversation's turns in order, `concurrency` conversations at a time. */
export async function runTrace(url: string, o: TraceOptions): Promise<TurnResult[]> {
  const limit = pLimit(o.concurrency);
  const results: TurnResult[] = [];
  await Promise.all(
    Array.from({ length: o.conversations }, (_, c) =>
      limit(async () => {
        for (let t = 1; t <= o.turns; t++) results.push(await runTurn(url, o, c, t));
      }),
    ),
  );
  return results;
}
