/**
 * pnpm bench:runtime [--model tinyllama-q4_0|<path>] [--threads 1] [--tokens 48] [--reps 3] [--batching lockstep|engine] [--json]
 *
 * Throughput of the runtime against raw node-llama-cpp on a generated TinyLlama-shaped model:
 * single-stream decode rate (target ratio >= 0.95), aggregate tokens/s at 1, 2 and 4 concurrent
 * streams (target: clearly > 1x from batching), and the server's time-to-first-token overhead
 * (target < 5 ms). Random weights: only the speed figures mean anything.
 */
import { existsSync, statSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { defaultThreadCount, startRuntime } from "../../../../runtime/src/index.js";
import { ensureModel } from "../../gen-gguf/index.js";
import { measureRaw } from "./raw.js";
import { streamCompletion } from "./server.js";
import { decodeRate, median, prompt, type Sample } from "./stats.js";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "tinyllama-q4_0" },
    threads: { type: "string" },
    tokens: { type: "string", default: "48" },
    reps: { type: "string", default: "3" },
    batching: { type: "string", default: "lockstep" },
    json: { type: "boolean", default: false },
    peer: { type: "string" },
  },
});

if (values.peer) {
  console.error(
    `--peer ${values.peer}: not built here (compiling llama-server takes the 2 shared cores for minutes); see runtime/README.md`,
  );
  process.exit(2);
}

const model = existsSync(values.model) ? values.model : await ensureModel(values.model as "tinyllama-q4_0");
// One thread by default: on a shared 2-core box, llama.cpp's spinning thread barrier collapses when a
// second thread is descheduled (measured here: 10 tok/s with 1 thread, 1 tok/s with 2 under load).
const threads = values.threads ? Number(values.threads) : Math.min(1, defaultThreadCount());
const tokens = Number(values.tokens);
const reps = Number(values.reps);
const ctxSize = 512;
const batching = values.batching === "engine" ? "engine" : "lockstep";
const load = () => os.loadavg()[0]?.toFixed(1);

console.error(
  `model ${model} (${(statSync(model).size / 2 ** 20).toFixed(0)} MiB), threads ${threads}, load avg ${load()}`,
);

// 1. Raw node-llama-cpp.
const raw = await measureRaw({ model, threads, ctxSize, tokens, reps });

// 2. The same work through the server (in-process, real HTTP on loopback).
const rt = await startRuntime({
  model,
  threads,
  ctxSize,
  parallel: 4,
  queueSize: 16,
  batching,
  logLevel: "error",
});
let single: Sample[];
const aggregate: { streams: number; tokensPerSecond: number; tokens: number; wallMs: number }[] = [];
try {
  await streamCompletion(rt.url, prompt(-1), 4); // warm-up, as for raw
  single = [];
  for (let i = 0; i < reps; i++) single.push(await streamCompletion(rt.url, prompt(i), tokens));
  let round = 100;
  for (const streams of [1, 2, 4]) {
    const t0 = performance.now();
    const samples = await Promise.all(
      Array.from({ length: streams }, () => streamCompletion(rt.url, prompt(round++), tokens)),
    );
    const wallMs = performance.now() - t0;
    const total = samples.reduce((a, s) => a + s.tokens, 0);
    aggregate.push({ streams, tokens: total, wallMs, tokensPerSecond: (total * 1000) / wallMs });
  }
} finally {
  await rt.close();
}

const rawRate = median(raw.map(decodeRate));
const serverRate = median(single.map(decodeRate));
const rawTtft = median(raw.map((s) => s.ttftMs));
const serverTtft = median(single.map((s) => s.ttftMs));
const base = aggregate[0]?.tokensPerSecond ?? 1;
const result = {
  model,
  threads,
  cores: os.availableParallelism(),
  loadAvg: Number(load()),
  batching,
  tokensPerRequest: tokens,
  singleStream: {
    rawTokensPerSecond: rawRate,
    serverTokensPerSecond: serverRate,
    ratio: serverRate / rawRate,
  },
  aggregate: aggregate.map((a) => ({ ...a, speedup: a.tokensPerSecond / base })),
  timeToFirstToken: { rawMs: rawTtft, serverMs: serverTtft, overheadMs: serverTtft - rawTtft },
};

if (values.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const f = (n: number, d = 1) => n.toFixed(d);
  console.log(`runtime benchmark: ${model}`);
  console.log(
    `threads ${threads} of ${result.cores} cores, batching ${batching}, ${tokens} tokens/request, load avg ${result.loadAvg}`,
  );
  console.log("");
  console.log("                              raw node-llama-cpp    through the server    ratio / speedup");
  console.log(
    `single-stream decode          ${f(rawRate).padStart(8)} tok/s        ${f(serverRate).padStart(8)} tok/s        ${f(result.singleStream.ratio, 3)} (target >= 0.95)`,
  );
  for (const a of result.aggregate) {
    console.log(
      `aggregate, ${a.streams} stream${a.streams > 1 ? "s" : " "}                                  ${f(a.tokensPerSecond).padStart(8)} tok/s        x${f(a.speedup, 2)}`,
    );
  }
  console.log(
    `time to first token           ${f(rawTtft).padStart(8)} ms           ${f(serverTtft).padStart(8)} ms           +${f(result.timeToFirstToken.overheadMs, 2)} ms (target < 5 ms)`,
  );
}
