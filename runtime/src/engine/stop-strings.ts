/**
 * Client stop strings, matched on the decoded text stream.
 *
 * Why not node-llama-cpp's `customStopTriggers`: its detector looks at `model.detokenize([token])`,
 * one token detokenized alone, and SentencePiece-style vocabularies drop a token's leading space
 * there, so a stop string that begins with or contains a space (`" "`, `" thi"`, `"n "`) never
 * matched. The text chunks LlamaCompletion emits are detokenized with the preceding tokens as context
 * and carry those spaces, so matching on them sees exactly what the client would have received.
 *
 * Streams hold back the longest tail that could still grow into a stop string and never emit the
 * stop string itself; everything before the first match is emitted, nothing after it.
 */
export class StopStringMatcher {
  private readonly longest: number;
  /** Text received but not emitted yet: a possible start of a stop string. */
  private held = "";
  private emittedText = "";
  private matched = false;

  constructor(
    private readonly stops: readonly string[],
    /** Receives the text that is final (never part of a stop string). */
    private readonly emit?: (text: string) => void,
  ) {
    let longest = 0;
    for (const s of stops) longest = Math.max(longest, s.length);
    this.longest = longest;
  }

  /** True once a stop string was seen: generation should end, later text is dropped. */
  get stopped(): boolean {
    return this.matched;
  }

  /** Everything emitted so far (the answer's text once generation ended and `flush` ran). */
  get text(): string {
    return this.emittedText;
  }

  /** Feeds one decoded chunk; returns true when it completed a stop string. */
  push(chunk: string): boolean {
    if (this.matched || chunk.length === 0) return this.matched;
    const buffer = this.held + chunk;
    // A match can only end inside the new chunk, so it starts at most `longest - 1` chars before it.
    const from = Math.max(0, this.held.length - this.longest + 1);
    let at = -1;
    for (const s of this.stops) {
      const i = buffer.indexOf(s, from);
      if (i !== -1 && (at === -1 || i < at)) at = i;
    }
    if (at !== -1) {
      this.matched = true;
      this.held = "";
      this.out(buffer.slice(0, at));
      return true;
    }
    const keep = this.partialTail(buffer);
    this.held = buffer.slice(buffer.length - keep);
    this.out(buffer.slice(0, buffer.length - keep));
    return false;
  }

  /** Generation ended without a match: the held-back tail is final after all. */
  flush(): void {
    if (this.matched || this.held.length === 0) return;
    const rest = this.held;
    this.held = "";
    this.out(rest);
  }

  /** Length of the longest suffix of `buffer` that is a proper prefix of some stop string. */
  private partialTail(buffer: string): number {
    const max = Math.min(buffer.length, this.longest - 1);
    for (let len = max; len > 0; len--) {
      const tail = buffer.slice(buffer.length - len);
      for (const s of this.stops) if (s.length > len && s.startsWith(tail)) return len;
    }
    return 0;
  }

  private out(text: string): void {
    if (text.length === 0) return;
    this.emittedText += text;
    this.emit?.(text);
  }
}
