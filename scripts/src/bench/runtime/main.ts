/**
 * pnpm bench:runtime [--model tinyllama-q4_0|tiny|<path>] [--threads 1] [--tokens 48] [--reps 3]
 *                     [--streams 1,2,4] [--batching lockstep|engine] [--peer llama-server|url:<base>]
 *                     [--peer-bin <path>] [--json]
 * `--peer llama-server` builds llama.cpp's llama-server once (cached) from the source node-llama-cpp
 * ships and measures it after the runtime with the same model, threads, slots and client.
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
import { startPeer } from "./peer.js";
import { measureRaw, type Round, timedRound } from "./raw.js";
import { streamCompletion } from "./server.js";
import { cpuDecodeRate, decodeRate, median, prompt, type Sample } from "./stats.js";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "tinyllama-q4_0" },
    threads: { type: "string" },
    tokens: { type: "string", default: "48" },
    reps: { type: "string", default: "3" },
    batching: { type: "string", default: "lockstep" },
    streams: { type: "string", default: "1,2,4" },
    json: { type: "boolean", default: false },
    peer: { type: "string" },
    "peer-bin": { type: "string" },
  },
});

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
const levels = values.streams.split(",").map(Number);
if (levels.length === 0 || levels.some((n) => !Number.isInteger(n) || n < 1 || n > 64))
  throw new Error(`--streams: expected a comma-separated list of integers 1-64, got "${values.streams}"`);
// Every concurrency level gets a slot per stream, in the runtime and in the peer alike.
const parallel = Math.max(...levels);
const raw = await measureRaw({ model, threads, ctxSize, tokens, reps, streams: levels });

/** Single-stream samples and 1/2/4-stream rounds against an OpenAI-compatible base URL. */
async function measureHttp(url: string): Promise<{ single: Sample[]; rounds: Round[] }> {
  const single: Sample[] = [];
  const rounds: Round[] = [];
  await streamCompletion(url, prompt(-1), 4); // warm-up, as for raw
  for (let i = 0; i < reps; i++) single.push(await streamCompletion(url, prompt(i), tokens));
  let round = 100;
  for (const streams of levels) {
    const base = round;
    round += streams;
    rounds.push(
      await timedRound(streams, async (i) => (await streamCompletion(url, prompt(base + i), tokens)).tokens),
    );
  }
  return { single, rounds };
}

// 2. The same work through the server (in-process, real HTTP on loopback).
const rt = await startRuntime({
  model,
  threads,
  ctxSize,
  parallel,
  queueSize: 16,
  batching,
  logLevel: "error",
});
let measured: Awaited<ReturnType<typeof measureHttp>>;
try {
  measured = await measureHttp(rt.url);
} finally {
  await rt.close();
}
const { single, rounds } = measured;

// 3. Optionally a peer server (llama.cpp's llama-server) with the same settings and client.
let peer: { name: string; single: Sample[]; rounds: Round[] } | undefined;
if (values.peer) {
  const p = await startPeer(values.peer, { model, threads, ctxSize, parallel, bin: values["peer-bin"] });
  try {
    peer = { name: p.name, ...(await measureHttp(p.url)) };
  } finally {
    await p.close();
  }
}

const rawRate = median(raw.single.map(decodeRate));
const serverRate = median(single.map(decodeRate));
const rawCpuRate = median(raw.single.map(cpuDecodeRate));
const serverCpuRate = median(single.map(cpuDecodeRate));
const rawTtft = median(raw.single.map((s) => s.ttftMs));
const serverTtft = median(single.map((s) => s.ttftMs));
const rawCpuTtft = median(raw.single.map((s) => s.cpuTtftMs));
const serverCpuTtft = median(single.map((s) => s.cpuTtftMs));
const perSecond = (r: Round | undefined) => (r ? (r.tokens * 1000) / r.wallMs : 0);
const perCpuSecond = (r: Round | undefined) => (r ? (r.tokens * 1000) / r.cpuMs : 0);
const aggregate = levels.map((streams, i) => {
  const server = rounds[i];
  const engine = raw.rounds[i];
  return {
    streams,
    server: { ...server, tokensPerSecond: perSecond(server), tokensPerCpuSecond: perCpuSecond(server) },
    raw: { ...engine, tokensPerSecond: perSecond(engine), tokensPerCpuSecond: perCpuSecond(engine) },
    speedup: perSecond(server) / perSecond(rounds[0]),
    cpuSpeedup: perCpuSecond(server) / perCpuSecond(rounds[0]),
    rawSpeedup: perSecond(engine) / perSecond(raw.rounds[0]),
  };
});
const result = {
  model,
  threads,
  cores: os.availableParallelism(),
  loadAvg: Number(load()),
  batching,
  tokensPerRequest: tokens,
  singleStream: {
    wall: { rawTokensPerSecond: rawRate, serverTokensPerSecond: serverRate, ratio: serverRate / rawRate },
    cpu: {
      rawTokensPerCpuSecond: rawCpuRate,
      serverTokensPerCpuSecond: serverCpuRate,
      ratio: serverCpuRate / rawCpuRate,
    },
  },
  aggregate,
  timeToFirstToken: {
    wall: { rawMs: rawTtft, serverMs: serverTtft, overheadMs: serverTtft - rawTtft },
    cpu: { rawMs: rawCpuTtft, serverMs: serverCpuTtft, overheadMs: serverCpuTtft - rawCpuTtft },
  },
  peer: peer && {
    name: peer.name,
    singleStreamTokensPerSecond: median(peer.single.map(decodeRate)),
    timeToFirstTokenMs: median(peer.single.map((s) => s.ttftMs)),
    aggregate: peer.rounds.map((r) => ({ ...r, tokensPerSecond: perSecond(r) })),
  },
};

if (values.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const f = (n: number, d = 1) => n.toFixed(d).padStart(8);
  const line = (label: string, a: string, b: string, c: string) =>
    console.log(`${label.padEnd(26)}${a.padEnd(22)}${b.padEnd(22)}${c}`);
  console.log(`runtime benchmark: ${model}`);
  console.log(
    `threads ${threads} of ${result.cores} cores, batching ${batching}, ${tokens} tokens/request, load avg ${result.loadAvg}` +
      " (the cores are shared with other jobs: wall figures are inflated by them; CPU-time figures are not)",
  );
  console.log("");
  line("", "raw node-llama-cpp", "through the server", "ratio / speedup");
  const ss = result.singleStream;
  line(
    "single-stream decode",
    `${f(rawRate)} tok/s`,
    `${f(serverRate)} tok/s`,
    `${ss.wall.ratio.toFixed(3)} (target >= 0.95)`,
  );
  line("  per CPU-second", `${f(rawCpuRate)} tok/s`, `${f(serverCpuRate)} tok/s`, ss.cpu.ratio.toFixed(3));
  for (const a of result.aggregate) {
    line(
      `aggregate, ${a.streams} stream${a.streams > 1 ? "s" : ""}`,
      `${f(a.raw.tokensPerSecond)} tok/s x${a.rawSpeedup.toFixed(2)}`,
      `${f(a.server.tokensPerSecond)} tok/s x${a.speedup.toFixed(2)}`,
      `server/raw ${(a.server.tokensPerSecond / a.raw.tokensPerSecond).toFixed(2)}; per CPU-s: raw ${f(a.raw.tokensPerCpuSecond).trim()}, server ${f(a.server.tokensPerCpuSecond).trim()} (x${a.cpuSpeedup.toFixed(2)})`,
    );
  }
  const tt = result.timeToFirstToken;
  line(
    "time to first token",
    `${f(rawTtft)} ms`,
    `${f(serverTtft)} ms`,
    `${tt.wall.overheadMs >= 0 ? "+" : ""}${tt.wall.overheadMs.toFixed(2)} ms (target < 5 ms)`,
  );
  line(
    "  in CPU time",
    `${f(rawCpuTtft)} ms`,
    `${f(serverCpuTtft)} ms`,
    `${tt.cpu.overheadMs >= 0 ? "+" : ""}${tt.cpu.overheadMs.toFixed(2)} ms`,
  );
  if (result.peer) {
    const pr = result.peer;
    console.log("");
    console.log(`peer ${pr.name} (same client, settings and prompts):`);
    line(
      "single-stream decode",
      "",
      `${f(pr.singleStreamTokensPerSecond)} tok/s`,
      `runtime/peer ${(serverRate / pr.singleStreamTokensPerSecond).toFixed(3)}`,
    );
    for (const [i, r] of pr.aggregate.entries()) {
      const ours = result.aggregate[i]?.server.tokensPerSecond ?? 0;
      line(
        `aggregate, ${r.streams} stream${r.streams > 1 ? "s" : ""}`,
        "",
        `${f(r.tokensPerSecond)} tok/s`,
        `runtime/peer ${(ours / r.tokensPerSecond).toFixed(3)}`,
      );
    }
    line(
      "time to first token",
      "",
      `${f(pr.timeToFirstTokenMs)} ms`,
      `runtime/peer ${(serverTtft / pr.timeToFirstTokenMs).toFixed(3)} (target <= 1.1)`,
    );
  }
}
