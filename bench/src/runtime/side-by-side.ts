import { readFileSync } from "node:fs";
import { median } from "../stats/distribution.js";
import { type Round, timedRound } from "./raw.js";
import { streamCompletion } from "./server.js";
import { decodeRate, prompt, type Sample } from "./stats.js";

/** An OpenAI-compatible server under test. */
export interface Contender {
  name: string;
  url: string;
  /** Server process, for its CPU time; undefined when it runs elsewhere. */
  pid?: number;
}

/** What one contender did in a side-by-side run. */
export interface ContenderResult {
  single: Sample[];
  /** rounds[level][rep] */
  rounds: Round[][];
  /** Server-process CPU ms per decoded token in the single-stream samples (undefined without a pid). */
  cpuMsPerToken?: number;
}

export interface SideBySideOptions {
  tokens: number;
  reps: number;
  levels: readonly number[];
  /** Tokens each contender generates in full-length single-stream requests before anything is timed. */
  warmupTokens: number;
}

/** CPU ms (user + system, all threads) a process has used, from /proc; undefined where unreadable. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** `--warmup-tokens`: a whole number of tokens, 0 or more; anything else is an error naming the flag. */
export function parseWarmupTokens(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new Error(`--warmup-tokens: expected a whole number >= 0, got "${raw}"`);
  return Number(raw);
}

/**
 * Sends full-length single-stream requests until `warmupTokens` tokens were generated (at least two
 * requests); returns how many requests that took. First decodes pay one-off allocation costs, and a
 * Node server's per-token code runs in V8's baseline tiers until it has been called often enough to
 * be optimised: measured on the runtime (2 threads), its main thread spent 1.17 ms per token over
 * requests 1-4, 0.86 over 21-24 and 0.75 from about the 30th on (~2,000 tokens), and single-stream
 * tokens/s rose by 8-10 % over that span. A production server is warm; llama-server, in C++, has no
 * such phase but gets the same requests.
 */
export async function warmUp(url: string, tokens: number, warmupTokens: number): Promise<number> {
  // Bounded even if a server returns far fewer tokens than asked (early end of sequence).
  const cap = 2 + 2 * Math.ceil(warmupTokens / Math.max(1, tokens));
  let generated = 0;
  let requests = 0;
  while (requests < cap && (requests < 2 || generated < warmupTokens)) {
    generated += (await streamCompletion(url, prompt(-1 - requests), tokens)).tokens;
    requests++;
  }
  return requests;
}

/**
 * Measures every contender with the same client, prompts and settings, interleaved: each repetition
 * runs one request (or one concurrent round) on each contender back to back, in an order that
 * rotates every repetition. On a shared VM the speed drifts by +/-10% over minutes (memory bandwidth
 * taken by neighbours); measuring one server after the other turns that drift into a false ratio,
 * interleaving spreads it over both.
 */
export async function measureSideBySide(
  contenders: readonly Contender[],
  o: SideBySideOptions,
): Promise<ContenderResult[]> {
  const results: ContenderResult[] = contenders.map(() => ({ single: [], rounds: o.levels.map(() => []) }));
  const cpu = contenders.map(() => ({ ms: 0, tokens: 0 }));
  const order = (rep: number) => contenders.map((_, i) => (i + rep) % contenders.length);
  for (const c of contenders) await warmUp(c.url, o.tokens, o.warmupTokens);
  for (let rep = 0; rep < o.reps; rep++) {
    for (const i of order(rep)) {
      const c = contenders[i] as Contender;
      const before = processCpuMs(c.pid);
      const sample = await streamCompletion(c.url, prompt(rep), o.tokens);
      const after = processCpuMs(c.pid);
      (results[i] as ContenderResult).single.push(sample);
      if (before !== undefined && after !== undefined) {
        (cpu[i] as { ms: number }).ms += after - before;
        (cpu[i] as { tokens: number }).tokens += sample.tokens;
      }
    }
  }
  for (const [level, streams] of o.levels.entries()) {
    for (let rep = 0; rep < o.reps; rep++) {
      const base = 100 + level * 1000 + rep * streams;
      for (const i of order(rep)) {
        const c = contenders[i] as Contender;
        const round = await timedRound(
          streams,
          async (k) => (await streamCompletion(c.url, prompt(base + k), o.tokens)).tokens,
        );
        (results[i] as ContenderResult).rounds[level]?.push(round);
      }
    }
  }
  for (const [i, r] of results.entries()) {
    const used = cpu[i] as { ms: number; tokens: number };
    if (used.tokens > 0) r.cpuMsPerToken = used.ms / used.tokens;
  }
  return results;
}

/** Aggregate tokens per wall second of a round. */
export function roundRate(r: Round): number {
  return (r.tokens * 1000) / r.wallMs;
}

/** A contender's figure against a reference's: medians of each and the median of per-repetition ratios. */
export interface Comparison {
  ours: number;
  theirs: number;
  /** Median over repetitions of ours/theirs measured back to back. */
  ratio: number;
  min: number;
  max: number;
}

export function compare(ours: readonly number[], theirs: readonly number[]): Comparison {
  const ratios = ours.map((v, i) => v / (theirs[i] as number));
  return {
    ours: median(ours),
    theirs: median(theirs),
    ratio: median(ratios),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
  };
}

/** The comparisons the targets are stated in: decode rate, aggregate per level, TTFT. */
export function compareContenders(
  ours: ContenderResult,
  theirs: ContenderResult,
  levels: readonly number[],
): { single: Comparison; ttft: Comparison; aggregate: (Comparison & { streams: number })[] } {
  return {
    single: compare(ours.single.map(decodeRate), theirs.single.map(decodeRate)),
    ttft: compare(
      ours.single.map((s) => s.ttftMs),
      theirs.single.map((s) => s.ttftMs),
    ),
    aggregate: levels.map((streams, l) => ({
      streams,
      ...compare((ours.rounds[l] ?? []).map(roundRate), (theirs.rounds[l] ?? []).map(roundRate)),
    })),
  };
}
