/** One generation as seen by its caller. */
export interface Sample {
  /** ms from the call to the first generated token/text. */
  ttftMs: number;
  /** Generated tokens. */
  tokens: number;
  /** ms from the first to the last token (decode phase only). */
  decodeMs: number;
  /** ms from the call to the end. */
  totalMs: number;
  /** Process CPU ms (all threads) spent until the first token, and in the decode phase. */
  cpuTtftMs: number;
  cpuDecodeMs: number;
}

/** Process CPU time (user + system, all threads) in ms. On a shared box this, unlike wall time, is not inflated by other jobs. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Decode tokens per second of one sample (the first token is excluded: it belongs to prompt processing). */
export function decodeRate(s: Sample): number {
  return s.tokens > 1 && s.decodeMs > 0 ? ((s.tokens - 1) * 1000) / s.decodeMs : 0;
}

/** Decode tokens per CPU-second: what the decode would reach on an idle core. */
export function cpuDecodeRate(s: Sample): number {
  return s.tokens > 1 && s.cpuDecodeMs > 0 ? ((s.tokens - 1) * 1000) / s.cpuDecodeMs : 0;
}

/** Distinct prompts so neither path reuses a cached prefix across repetitions. */
export function prompt(i: number): string {
  return `Story ${i}: once upon a time, in a small village by the sea, there lived an old fisherman who`;
}
