import { getLlama, LlamaCompletion } from "node-llama-cpp";
import { cpuMs, prompt, type Sample } from "./stats.js";

/**
 * The baseline: node-llama-cpp in-process, one sequence, greedy decoding, no HTTP. The server's
 * single-stream figures are compared against this.
 */
export async function measureRaw(opts: {
  model: string;
  threads: number;
  ctxSize: number;
  tokens: number;
  reps: number;
}) {
  const llama = await getLlama({ gpu: false, build: "never", maxThreads: opts.threads, progressLogs: false });
  const model = await llama.loadModel({ modelPath: opts.model, gpuLayers: 0 });
  const context = await model.createContext({
    sequences: 1,
    contextSize: opts.ctxSize,
    threads: opts.threads,
  });
  const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
  const samples: Sample[] = [];
  try {
    // Warm-up: first decode pays one-off allocation costs in both paths.
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
      samples.push({
        ttftMs: first - t0,
        tokens,
        decodeMs: last - first,
        totalMs: performance.now() - t0,
        cpuTtftMs: cpuFirst - c0,
        cpuDecodeMs: cpuLast - cpuFirst,
      });
    }
  } finally {
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }
  return samples;
}
