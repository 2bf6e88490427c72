/**
 * pnpm bench:runtime [--model tinyllama-q4_0|tiny|<path>] [--threads 1] [--tokens 48] [--reps 3]
 *                     [--streams 1,2,4] [--batching lockstep|engine] [--peer llama-server|url:<base>]
 *                     [--peer-bin <path>] [--warmup-tokens 2048] [--json] [--tools]
 *
 * 1. Raw node-llama-cpp in this process (the engine without the server): single-stream decode rate
 *    and time to first token, aggregate tokens/s per concurrency level.
 * 2. The runtime as a child process (`runtime serve`, UV_THREADPOOL_SIZE=1 as deployed) and, with
 *    `--peer`, llama.cpp's llama-server (built once from the source node-llama-cpp ships, cached) or
 *    any OpenAI-compatible server, measured side by side: the same client, prompts, model, threads
 *    and slots, interleaved request by request (see side-by-side.ts), with runtime/peer ratios as
 *    medians of back-to-back pairs. Random weights: only the speed figures mean anything.
 * `--tools` instead measures tool calling on the runtime alone (tools.ts).
 */
import { existsSync, statSync } from "node:fs";
import os from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ensureModel } from "@llm/gguf";
import { defaultThreadCount } from "@llm/runtime";
import { startRuntimeProcess } from "@llm/runtime/process";
import { median } from "../stats/distribution.js";
import { type Peer, startPeer } from "./peer.js";
import { measureRaw, type Round } from "./raw.js";
import {
  type Comparison,
  type Contender,
  type ContenderResult,
  compareContenders,
  measureSideBySide,
  parseWarmupTokens,
  roundRate,
} from "./side-by-side.js";
import { cpuDecodeRate, decodeRate } from "./stats.js";
import { measureTools, printTools } from "./tools.js";

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
    "warmup-tokens": { type: "string", default: "2048" },
    tools: { type: "boolean", default: false },
  },
});

const model = existsSync(values.model) ? values.model : await ensureModel(values.model as "tinyllama-q4_0");
// One thread by default: on a shared 2-core box, llama.cpp's spinning thread barrier collapses when a
// second thread is descheduled (measured here: 10 tok/s with 1 thread, 1 tok/s with 2 under load).
const threads = values.threads ? Number(values.threads) : Math.min(1, defaultThreadCount());
const tokens = Number(values.tokens);
const reps = Number(values.reps);
const warmupTokens = parseWarmupTokens(values["warmup-tokens"]);
const ctxSize = 512;
const batching = values.batching === "engine" ? "engine" : "lockstep";
const load = () => os.loadavg()[0]?.toFixed(1);

console.error(
  `model ${model} (${(statSync(model).size / 2 ** 20).toFixed(0)} MiB), threads ${threads}, load avg ${load()}`,
);

if (values.tools) {
  // The tools prompt (Qwen 2.5's tool preamble plus two schemas) needs more than the 512 below.
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
  const rt = await startRuntimeProcess({
    repoRoot,
    model,
    port: 0,
    parallel: 1,
    threads,
    extraArgs: ["--ctx-size", "2048", "--queue", "4", "--batching", batching, "--log-level", "error"],
  });
  try {
    const result = await measureTools(rt.url, tokens, reps);
    if (values.json) console.log(JSON.stringify({ model, threads, reps, ...result }, null, 2));
    else printTools(model, threads, reps, result);
  } finally {
    await rt.stop();
  }
  process.exit(0);
}

// 1. Raw node-llama-cpp.
const levels = values.streams.split(",").map(Number);
if (levels.length === 0 || levels.some((n) => !Number.isInteger(n) || n < 1 || n > 64))
  throw new Error(`--streams: expected a comma-separated list of integers 1-64, got "${values.streams}"`);
// Every concurrency level gets a slot per stream, in the runtime and in the peer alike.
const parallel = Math.max(...levels);
const raw = await measureRaw({ model, threads, ctxSize, tokens, reps, streams: levels });

// 2. The runtime as a child process (like the peer), measured side by side with the peer if any.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const rt = await startRuntimeProcess({
  repoRoot,
  model,
  port: 0,
  parallel,
  threads,
  extraArgs: ["--ctx-size", String(ctxSize), "--queue", "16", "--batching", batching, "--log-level", "error"],
});
let peerProcess: Peer | undefined;
let measured: ContenderResult[];
let engineBuild = "unknown";
try {
  const health = (await (await fetch(`${rt.url}/health`)).json()) as { engine_build?: string };
  engineBuild = health.engine_build ?? "unknown";
  if (values.peer) {
    peerProcess = await startPeer(values.peer, {
      model,
      threads,
      ctxSize,
      parallel,
      bin: values["peer-bin"],
    });
  }
  const contenders: Contender[] = [{ name: "runtime", url: rt.url, pid: rt.child.pid }];
  if (peerProcess) contenders.push({ name: peerProcess.name, url: peerProcess.url, pid: peerProcess.pid });
  measured = await measureSideBySide(contenders, { tokens, reps, levels, warmupTokens });
} finally {
  await peerProcess?.close();
  await rt.stop();
}
const ours = measured[0] as ContenderResult;
const theirs = measured[1];
const single = ours.single;

const rawRate = median(raw.single.map(decodeRate));
const serverRate = median(single.map(decodeRate));
const rawTtft = median(raw.single.map((s) => s.ttftMs));
const serverTtft = median(single.map((s) => s.ttftMs));
const rawCpuTtft = median(raw.single.map((s) => s.cpuTtftMs));
const rawCpuMsPerToken = 1000 / median(raw.single.map(cpuDecodeRate));
const perSecond = (r: Round | undefined) => (r ? (r.tokens * 1000) / r.wallMs : 0);
const medianRate = (rs: readonly Round[] | undefined) => median((rs ?? []).map(roundRate));
const aggregate = levels.map((streams, i) => {
  const server = medianRate(ours.rounds[i]);
  const engine = perSecond(raw.rounds[i]);
  return {
    streams,
    serverTokensPerSecond: server,
    rawTokensPerSecond: engine,
    speedup: server / medianRate(ours.rounds[0]),
    rawSpeedup: engine / perSecond(raw.rounds[0]),
  };
});
const result = {
  model,
  threads,
  cores: os.availableParallelism(),
  loadAvg: Number(load()),
  batching,
  engineBuild,
  tokensPerRequest: tokens,
  reps,
  warmupTokens,
  singleStream: {
    rawTokensPerSecond: rawRate,
    serverTokensPerSecond: serverRate,
    ratio: serverRate / rawRate,
    rawCpuMsPerToken,
    serverCpuMsPerToken: ours.cpuMsPerToken,
  },
  aggregate,
  timeToFirstToken: {
    rawMs: rawTtft,
    rawCpuMs: rawCpuTtft,
    serverMs: serverTtft,
    overheadMs: serverTtft - rawTtft,
  },
  peer: peerProcess &&
    theirs && {
      name: peerProcess.name,
      cpuMsPerToken: theirs.cpuMsPerToken,
      ...compareContenders(ours, theirs, levels),
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
    `threads ${threads} of ${result.cores} cores, batching ${batching}, engine build ${engineBuild}, ` +
      `${tokens} tokens/request, ${reps} reps, warm-up ${warmupTokens} tokens, load avg ${result.loadAvg}`,
  );
  console.log("");
  line("", "raw node-llama-cpp", "through the server", "ratio / speedup");
  const ss = result.singleStream;
  line(
    "single-stream decode",
    `${f(rawRate)} tok/s`,
    `${f(serverRate)} tok/s`,
    `${ss.ratio.toFixed(3)} (target >= 0.95; raw ran first, not interleaved)`,
  );
  line(
    "  CPU ms per token",
    `${f(rawCpuMsPerToken, 2)}`,
    ss.serverCpuMsPerToken === undefined ? "" : `${f(ss.serverCpuMsPerToken, 2)}`,
    "raw: decode phase; server: whole request, prompt included",
  );
  for (const a of result.aggregate) {
    line(
      `aggregate, ${a.streams} stream${a.streams > 1 ? "s" : ""}`,
      `${f(a.rawTokensPerSecond)} tok/s x${a.rawSpeedup.toFixed(2)}`,
      `${f(a.serverTokensPerSecond)} tok/s x${a.speedup.toFixed(2)}`,
      `server/raw ${(a.serverTokensPerSecond / a.rawTokensPerSecond).toFixed(2)}`,
    );
  }
  const tt = result.timeToFirstToken;
  line(
    "time to first token",
    `${f(rawTtft)} ms`,
    `${f(serverTtft)} ms`,
    `${tt.overheadMs >= 0 ? "+" : ""}${tt.overheadMs.toFixed(2)} ms (target < 5 ms)`,
  );
  if (result.peer) {
    const pr = result.peer;
    const cmp = (c: Comparison, unit: string, target: string) =>
      `${f(c.ratio, 3)} [${c.min.toFixed(2)}-${c.max.toFixed(2)}]${target}`.trimStart() +
      ` (${c.ours.toFixed(1)} vs ${c.theirs.toFixed(1)} ${unit})`;
    console.log("");
    console.log(`side by side with ${pr.name}: same client, settings and prompts, interleaved, ${reps} reps`);
    console.log(`${"".padEnd(26)}runtime/peer: median of back-to-back ratios [min-max] (medians)`);
    console.log(`${"single-stream decode".padEnd(26)}${cmp(pr.single, "tok/s", " (target >= 0.95)")}`);
    for (const a of pr.aggregate) {
      const label = `aggregate, ${a.streams} stream${a.streams > 1 ? "s" : ""}`;
      console.log(`${label.padEnd(26)}${cmp(a, "tok/s", a.streams === 4 ? " (target >= 0.95)" : "")}`);
    }
    console.log(`${"time to first token".padEnd(26)}${cmp(pr.ttft, "ms", " (target <= 1.1)")}`);
    if (ss.serverCpuMsPerToken !== undefined && pr.cpuMsPerToken !== undefined) {
      console.log(
        `${"CPU ms/token, 1 stream".padEnd(26)}${f(ss.serverCpuMsPerToken / pr.cpuMsPerToken, 3).trim()} (${ss.serverCpuMsPerToken.toFixed(2)} vs ${pr.cpuMsPerToken.toFixed(2)})`,
      );
    }
  }
}
