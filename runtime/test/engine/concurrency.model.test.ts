import OpenAI from "openai";
import { type RuntimeHandle, startRuntime } from "../../src/index.js";
import { eventually, metricValue, tinyModel } from "../helpers.js";

let rt: RuntimeHandle;
let client: OpenAI;

beforeAll(async () => {
  rt = await startRuntime({
    model: await tinyModel(),
    threads: 1,
    ctxSize: 8192,
    parallel: 4,
    queueSize: 1,
    timeoutMs: 5000,
  });
  client = new OpenAI({ baseURL: `${rt.url}/v1`, apiKey: "unused", maxRetries: 0 });
});
afterAll(() => rt.close());

const messages = [{ role: "user" as const, content: "Tell me a long story." }];

/** Reads a stream, logging `first:<name>` at its first content and `end:<name>` when it ends. */
async function consume(
  name: string,
  log: string[],
  maxTokens: number,
  signal?: AbortSignal,
  onFirst?: () => void,
) {
  const stream = await client.chat.completions.create(
    { model: "tiny", messages, max_tokens: maxTokens, stream: true, stream_options: { include_usage: true } },
    { signal },
  );
  let tokens = 0;
  let first = true;
  try {
    for await (const c of stream) {
      if (first && c.choices[0]?.delta.content) {
        first = false;
        log.push(`first:${name}`);
        onFirst?.();
      }
      if (c.usage) tokens = c.usage.completion_tokens;
    }
    return tokens;
  } finally {
    log.push(`end:${name}`);
  }
}

async function metricsText(): Promise<string> {
  return (await fetch(`${rt.url}/metrics`)).text();
}

/** Cumulative count of engine batches with at most `le` tokens. */
function batchesAtMost(text: string, le: string): number {
  return metricValue(text, "llm_runtime_batch_tokens_bucket", `le="${le}"`);
}

describe("concurrency on one context", () => {
  it("decodes four concurrent streams together, one token of each per engine batch", async () => {
    const before = await metricsText();
    const log: string[] = [];
    const names = ["a", "b", "c", "d"];
    const results = await Promise.all(names.map((n) => consume(n, log, 120, undefined)));
    expect(results).toEqual([120, 120, 120, 120]);
    // Overlap: every stream produced text before any of them finished.
    const firstEnd = log.findIndex((e) => e.startsWith("end:"));
    expect(
      log
        .slice(0, firstEnd)
        .filter((e) => e.startsWith("first:"))
        .sort(),
    ).toEqual(names.map((n) => `first:${n}`));

    const after = await metricsText();
    const total = batchesAtMost(after, "+Inf") - batchesAtMost(before, "+Inf");
    const upTo3 = batchesAtMost(after, "3") - batchesAtMost(before, "3");
    const upTo4 = batchesAtMost(after, "4") - batchesAtMost(before, "4");
    // Median engine batch carries 4 tokens (lockstep decoding): 480 tokens in about 120 batches.
    expect(upTo3).toBeLessThan(total / 2);
    expect(upTo4).toBeGreaterThanOrEqual(total / 2);
  });

  it("queues when every sequence is busy, answers 429 when the queue is full, frees a slot on disconnect, and times out", async () => {
    const log: string[] = [];
    const controllers = [0, 1, 2, 3].map(() => new AbortController());
    let started = 0;
    const streams = controllers.map((c, i) =>
      consume(`s${i}`, log, 7000, c.signal, () => started++).then(
        (tokens) => ({ ok: true as const, tokens }),
        (err: unknown) => ({ ok: false as const, err }),
      ),
    );
    expect(await eventually(() => started === 4)).toBe(true);

    const queued = client.chat.completions.create({ model: "tiny", messages, max_tokens: 4 }).then((r) => {
      log.push("end:queued");
      return r;
    });
    expect(
      await eventually(
        async () =>
          ((await (await fetch(`${rt.url}/health`)).json()) as { queue_depth: number }).queue_depth === 1,
      ),
    ).toBe(true);

    const full = await fetch(`${rt.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "tiny", messages, max_tokens: 4 }),
    });
    expect(full.status).toBe(429);
    expect(full.headers.get("retry-after")).toBe("1");
    expect(await full.json()).toMatchObject({ error: { type: "rate_limit_error", code: "queue_full" } });

    // The client of s0 goes away: its sequence must go to the queued request at once.
    controllers[0]?.abort();
    const answer = await queued;
    expect(answer.usage?.completion_tokens).toBe(4);
    const endQueued = log.indexOf("end:queued");
    expect(
      log
        .slice(0, endQueued)
        .filter((e) => e.startsWith("end:s"))
        .sort(),
    ).toEqual(["end:s0"]);

    // The other streams run into the 5 s deadline and end with an error event inside the stream.
    const outcomes = await Promise.all(streams);
    // The aborted one either rejects or ends early, depending on the SDK; never with a full answer.
    expect(outcomes[0]?.ok === false || (outcomes[0]?.tokens ?? 0) < 7000).toBe(true);
    for (const o of outcomes.slice(1)) {
      expect(o.ok).toBe(false);
      expect(String((o as { err: unknown }).err)).toContain("timed out");
    }
    expect(await eventually(() => rt.state.engine?.slots.busy === 0)).toBe(true);
    const text = await metricsText();
    expect(metricValue(text, "llm_runtime_requests_total", 'endpoint="chat_completions",status="429"')).toBe(
      1,
    );
  });

  it("answers 504 when a request outlives its deadline", async () => {
    const res = await fetch(`${rt.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "tiny", messages, max_tokens: 8000 }),
    });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error: { type: "timeout_error", code: "timeout" } });
    expect(rt.state.engine?.slots.busy).toBe(0);
  });
});
