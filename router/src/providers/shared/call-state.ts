import type { KeyValueStore } from "../../state/key-value.js";

/**
 * How long a provider's per-call state (Gemini thought signatures, Anthropic thinking blocks)
 * waits for the turn that sends the call's result back: 24 hours, so an agent loop paused for a
 * human approval still resumes, while nothing lives forever in the state store.
 */
export const CALL_STATE_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Per-tool-call values an adapter keeps between turns, in the tenant's namespace of the state
 * store (CallContext.state). Both directions are best effort: a store outage must not fail an
 * answer the upstream already gave, and a lost entry only means the upstream sees the call without
 * its extra (Gemini 3 then refuses with a 400 naming the missing signature, which the client sees).
 */
export class CallState {
  constructor(
    private readonly kv: KeyValueStore | undefined,
    private readonly ttlMs: number = CALL_STATE_TTL_MS,
  ) {}

  /** The values stored for `ids` (one round trip); ids with nothing stored are absent. */
  async load(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!this.kv || ids.length === 0) return out;
    try {
      const values = await this.kv.getMany(ids);
      ids.forEach((id, i) => {
        const v = values[i];
        if (v !== undefined) out.set(id, v);
      });
    } catch {
      // Best effort (see the class comment).
    }
    return out;
  }

  /** Stores each entry for the TTL; awaited before the answer goes out so the next turn finds it. */
  async save(entries: Iterable<[id: string, value: string]>): Promise<void> {
    if (!this.kv) return;
    const writes = [...entries].map(([id, value]) =>
      this.kv!.set(id, value, { ttlMs: this.ttlMs }).catch(() => false),
    );
    await Promise.all(writes);
  }
}
