import { getLlama, LlamaCompletion } from "node-llama-cpp";
import { cpuMs, prompt, type Sample } from "./stats.js";

export interface RawOptions {
  model: string;
  threads: number;
  ctxSize: number;
  tokens: number;
  reps: number;
  /** Concurrency levels for the aggregate rounds. */
  streams: readonly number[];
}

export interface Round {
  streams: number;
  tokens: number;
  wallMs: number;
  cpuMs: number;
}

/** Runs `streams` generations at once on the given completions and times the whole round. */
export async function timedRound(streams: number, run: (i: number) => Promise<number>): Promise<Round> {
  const t0 = performance.now();
  const c0 = cpuMs();
  const counts = await Promise.all(Array.from({ length: streams }, (_, i) => run(i)));
  return {
    streams,
    tokens: counts.reduce((a, b) => a + b, 0),
    wallMs: performance.now() - t0,
    cpuMs: cpuMs() - c0,
  };
}

/**
 * The baseline: node-llama-cpp in-process, no HTTP, greedy decoding. Single-stream samples use a
 * one-sequence context; aggregate rounds use one context with as many sequences as the largest round,
 * like the server, so both sides get the engine's own batching.
 */
export async function measureRaw(opts: RawOptions): Promise<{ single: Sample[]; rounds: Round[] }> {
  const llama = await getLlama({ gpu: false, build: "never", maxThreads: opts.threads, progressLogs: false });
  const model = await llama.loadModel({ modelPath: opts.model, gpuLayers: 0 });
  const single: Sample[] = [];
  const rounds: Round[] = [];
  try {
    const context = await model.createContext({
      sequences: 1,
      contextSize: opts.ctxSize,
      threads: opts.threads,
    });
    const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
    // Warm-up: the first decode pays one-off allocation costs, on both sides.
    await completion.generateCompletion(prompt(-1), { maxTokens: 4, repeatPenalty: false });
    for (let i = 0; i < opts.reps; i++) {
      const t0 = performance.now();
      const c0 = cpuMs();
      let first = 0;
      let last = 0;
      let cpuFirst = 0;
      let cpuLast = 0;
      let tokens = 0;
      await completion.generateCompletion(prompt(i), {
        maxTokens: opts.tokens,
        temperature: 0,
        repeatPenalty: false,
        onToken: (t) => {
          const now = performance.now();
          const cpu = cpuMs();
          if (tokens === 0) {
            first = now;
            cpuFirst = cpu;
          }
          last = now;
          cpuLast = cpu;
          tokens += t.length;
        },
      });
      single.push({
        ttftMs: first - t0,
        tokens,
        decodeMs: last - first,
        totalMs: performance.now() - t0,
        cpuTtftMs: cpuFirst - c0,
        cpuDecodeMs: cpuLast - cpuFirst,
      });
    }
    await context.dispose();

    const sequences = Math.max(...opts.streams);
    const shared = await model.createContext({ sequences, contextSize: opts.ctxSize, threads: opts.threads });
    const completions = Array.from(
      { length: sequences },
      () => new LlamaCompletion({ contextSequence: shared.getSequence() }),
    );
    let round = 100;
    for (const streams of opts.streams) {
      const base = round;
      round += streams;
      rounds.push(
        await timedRound(streams, async (i) => {
          let n = 0;
          await (completions[i] as LlamaCompletion).generateCompletion(prompt(base + i), {
            maxTokens: opts.tokens,
            temperature: 0,
            repeatPenalty: false,
            onToken: (t) => {
              n += t.length;
            },
          });
          return n;
        }),
      );
    }
    await shared.dispose();
  } finally {
    await model.dispose();
    await llama.dispose();
  }
  return { single, rounds };
}
