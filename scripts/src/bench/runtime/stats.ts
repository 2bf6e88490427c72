/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

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
}

/** Decode tokens per second of one sample (the first token is excluded: it belongs to prompt processing). */
export function decodeRate(s: Sample): number {
  return s.tokens > 1 && s.decodeMs > 0 ? ((s.tokens - 1) * 1000) / s.decodeMs : 0;
}

/** Distinct prompts so neither path reuses a cached prefix across repetitions. */
export function prompt(i: number): string {
  return `Story ${i}: once upon a time, in a small village by the sea, there lived an old fisherman who`;
}
