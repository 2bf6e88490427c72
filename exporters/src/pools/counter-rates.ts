/** Per-second rates of cumulative counters, from the last two observations of each target. */
export interface Rates {
  completion: number;
  prompt: number;
}

interface Observation {
  completion: number;
  prompt: number;
  atMs: number;
}

/**
 * Remembers the previous counter values per target (pod or URL) so each refresh yields the rate over the
 * refresh window. A counter that went down means the runtime restarted: like Prometheus' rate(), the new
 * value is taken as the increase since the reset.
 */
export class CounterRates {
  private readonly last = new Map<string, Observation>();

  /** Records an observation; returns the rates since the previous one, or undefined on the first. */
  observe(key: string, completion: number, prompt: number, atMs: number): Rates | undefined {
    const prev = this.last.get(key);
    this.last.set(key, { completion, prompt, atMs });
    if (!prev) return undefined;
    const seconds = (atMs - prev.atMs) / 1000;
    if (seconds <= 0) return undefined;
    const increase = (now: number, before: number) => (now >= before ? now - before : now);
    return {
      completion: increase(completion, prev.completion) / seconds,
      prompt: increase(prompt, prev.prompt) / seconds,
    };
  }

  /** Forgets targets that no longer exist (pods replaced), so the map does not grow forever. */
  retain(keys: Set<string>): void {
    for (const key of this.last.keys()) if (!keys.has(key)) this.last.delete(key);
  }
}
