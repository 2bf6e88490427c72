/**
 * pnpm bench:affinity [--conversations 8] [--turns 4] [--words 320] [--replicas 3] [--parallel 2]
 *                     [--threads 1] [--max-tokens 4] [--concurrency 4] [--model tinyllama-q4_0|tiny|<path>]
 *                     [--balancers prefix,least-loaded,round-robin] [--json]
 *
 * Issue #20's benchmark: one pool target of N runtime replicas (the TinyLlama-shaped generated
 * model) behind the router, a multi-turn trace with more conversations than slots, run once per
 * balancer on the same processes (the router reloads the pool with the next balancer; each run
 * sends its own text so no run reuses another's caches). Per balancer: TTFT p50/p95 (all turns,
 * and turns after the first), prompt tokens evaluated vs reused (the replicas' counters), wall
 * time; then the TTFT p50 ratio of round-robin to prefix. Random weights: only speed means anything.
 * Defaults: 8 conversations (more than the 6 slots of 3 replicas x 2), 4 of them in flight at once,
 * as 4 users typing; `--concurrency 8` runs all at once (every replica then thrashes its 2 slots
 * and queueing behind cold prefills dominates TTFT for every balancer).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type BalancerName, balancerName } from "@llm/contracts";
import { ensureModel } from "@llm/gguf";
import { parseConfig, startRouter } from "@llm/router";
import { type RuntimeProcess, startRuntimeProcess } from "@llm/runtime/process";
import pino from "pino";
import { percentile } from "../stats/distribution.js";
import { runTrace, type TraceOptions } from "./trace.js";

const { values } = parseArgs({
  options: {
    conversations: { type: "string", default: "8" },
    turns: { type: "string", default: "4" },
    words: { type: "string", default: "320" },
    replicas: { type: "string", default: "3" },
    parallel: { type: "string", default: "2" },
    threads: { type: "string", default: "1" },
    "max-tokens": { type: "string", default: "4" },
    concurrency: { type: "string", default: "4" },
    model: { type: "string", default: "tinyllama-q4_0" },
    balancers: { type: "string", default: "prefix,least-loaded,round-robin" },
    json: { type: "boolean", default: false },
  },
});
const int = (name: string, v: string, min: number, max: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`--${name} must be an integer ${min}-${max}`);
  return n;
};
const replicas = int("replicas", values.replicas, 1, 8);
const parallel = int("parallel", values.parallel, 1, 16);
const threads = int("threads", values.threads, 1, 64);
const conversations = int("conversations", values.conversations, 1, 256);
const balancers = values.balancers.split(",").map((b) => balancerName.parse(b.trim()));
const trace: Omit<TraceOptions, "seed"> = {
  conversations,
  turns: int("turns", values.turns, 1, 32),
  words: int("words", values.words, 1, 4000),
  maxTokens: int("max-tokens", values["max-tokens"], 1, 512),
  concurrency: int("concurrency", values.concurrency, 1, 256),
};

/** Sum of one unlabelled counter over the replicas' /metrics. */
async function counter(urls: string[], name: string): Promise<number> {
  let sum = 0;
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    sum += line ? Number(line.split(" ")[1]) : 0;
  }
  return sum;
}

interface Row {
  balancer: BalancerName;
  ttftP50Ms: number;
  ttftP95Ms: number;
  laterTtftP50Ms: number;
  promptEvaluated: number;
  promptReused: number;
  reusedShare: number;
  wallS: number;
  meanPromptTokens: number;
}

const model = existsSync(values.model) ? values.model : await ensureModel(values.model as "tinyllama-q4_0");
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const secret = randomBytes(24).toString("hex");
console.error(
  `model ${model}; ${replicas} replicas x ${parallel} slots, ${threads} thread(s) each; starting`,
);
const runtimes: RuntimeProcess[] = await Promise.all(
  Array.from({ length: replicas }, () =>
    startRuntimeProcess({ repoRoot, model, port: 0, hmacSecret: secret, parallel, threads }),
  ),
);
const urls = runtimes.map((r) => r.url);
const configFor = (balancer: BalancerName) =>
  parseConfig(
    {
      server: { host: "127.0.0.1", port: 0, requestTimeout: "600s", firstByteTimeout: "600s" },
      // A replica busy prefilling answers /health late on a loaded machine: a slow poll is not a dead replica.
      router: { healthCheckInterval: "5s", healthCheckTimeout: "30s" },
      clusters: [
        {
          name: "pool",
          endpoints: urls,
          balancer,
          authType: "hmac",
          sharedSecret: secret,
          models: ["tiny"],
          contextLength: 2048,
        },
      ],
    },
    {},
  );
const router = await startRouter({
  config: configFor(balancers[0] as BalancerName),
  logger: pino({ level: "warn" }),
});
const rows: Row[] = [];
try {
  for (const [i, balancer] of balancers.entries()) {
    router.router.reload(configFor(balancer));
    const p0 = await counter(urls, "llm_runtime_prompt_tokens_total");
    const c0 = await counter(urls, "llm_runtime_prompt_cached_tokens_total");
    const started = performance.now();
    const results = await runTrace(router.url, { ...trace, seed: i + 1 });
    const wallS = (performance.now() - started) / 1000;
    const prompt = (await counter(urls, "llm_runtime_prompt_tokens_total")) - p0;
    const reused = (await counter(urls, "llm_runtime_prompt_cached_tokens_total")) - c0;
    const ttft = results.map((r) => r.ttftMs);
    const later = results.filter((r) => r.turn > 1).map((r) => r.ttftMs);
    const sizes = results.map((r) => r.promptTokens ?? 0).filter((n) => n > 0);
    const row: Row = {
      balancer,
      ttftP50Ms: percentile(ttft, 0.5) ?? 0,
      ttftP95Ms: percentile(ttft, 0.95) ?? 0,
      laterTtftP50Ms: percentile(later, 0.5) ?? 0,
      promptEvaluated: prompt - reused,
      promptReused: reused,
      reusedShare: prompt > 0 ? reused / prompt : 0,
      wallS,
      meanPromptTokens: sizes.length ? sizes.reduce((a, b) => a + b, 0) / sizes.length : 0,
    };
    rows.push(row);
    console.error(
      `${balancer}: ${wallS.toFixed(1)} s, TTFT p50 ${Math.round(row.ttftP50Ms)} ms, reused ${(100 * row.reusedShare).toFixed(0)}%`,
    );
  }
} finally {
  await router.close();
  await Promise.all(runtimes.map((r) => r.stop()));
}

const prefix = rows.find((r) => r.balancer === "prefix");
const rr = rows.find((r) => r.balancer === "round-robin");
const ratio = prefix && rr && prefix.ttftP50Ms > 0 ? rr.ttftP50Ms / prefix.ttftP50Ms : undefined;
if (values.json)
  console.log(JSON.stringify({ trace, replicas, parallel, threads, rows, ttftP50Ratio: ratio }, null, 2));
else {
  const ms = (v: number) => `${Math.round(v)} ms`;
  console.log(
    `${trace.conversations} conversations x ${trace.turns} turns (~${Math.round(rows[0]?.meanPromptTokens ?? 0)} prompt tokens per turn), ${replicas} replicas, --parallel ${parallel}, --threads ${threads}, ${trace.concurrency} conversations at once\n`,
  );
  console.log(
    "| balancer | TTFT p50 | TTFT p95 | TTFT p50 after turn 1 | prompt tokens evaluated | reused | reused share | wall |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows)
    console.log(
      `| ${r.balancer} | ${ms(r.ttftP50Ms)} | ${ms(r.ttftP95Ms)} | ${ms(r.laterTtftP50Ms)} | ${r.promptEvaluated} | ${r.promptReused} | ${(100 * r.reusedShare).toFixed(0)}% | ${r.wallS.toFixed(1)} s |`,
    );
  if (ratio !== undefined) console.log(`\nTTFT p50 round-robin / prefix: ${ratio.toFixed(1)}x`);
}
