import { readFileSync } from "node:fs";
import { type Round, timedRound } from "./raw.js";
import { streamCompletion } from "./server.js";
import { decodeRate, median, prompt, type Sample } from "./stats.js";

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
  // Warm-up: first decodes pay one-off allocation costs, and a Node server's per-token code runs
  // interpreted until V8 has compiled it (measured: a 4-token warm-up left the runtime's first
  // single-stream requests ~7% slower than its later ones; llama-server, in C++, has no such phase).
  for (const c of contenders) {
    for (let i = 0; i < 2; i++) await streamCompletion(c.url, prompt(-1 - i), o.tokens);
  }
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
