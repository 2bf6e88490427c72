import type { Usage } from "@llm/contracts";
import type { KeyValueStore } from "../state/key-value.js";

/** One stored answer, as the key/value store holds it (JSON). */
export interface CacheEntry {
  /** The endpoint's non-streamed answer, as JSON text (the bytes the upstream sent, when it was JSON). */
  answer: string;
  /** Target that produced it (a hit's `x-router-target`) and the model it was sent. */
  target: string;
  upstreamModel: string;
  /** Usage it reported (or the router's estimate). */
  usage: Usage;
  /** What producing it cost (the ledger's costUsd): what a hit saves. */
  costUsd: number;
  /** Epoch ms it was stored. */
  storedAt: number;
}

function isEntry(v: unknown): v is CacheEntry {
  const e = v as Partial<CacheEntry> | null;
  return (
    typeof e === "object" &&
    e !== null &&
    typeof e.answer === "string" &&
    typeof e.target === "string" &&
    typeof e.costUsd === "number"
  );
}

/**
 * Exact-cache entries in a tenant's namespace of the key/value store (so a tenant can never read
 * another's), bounded per tenant by a ring of `maxEntries` slots shared by every replica: each
 * store takes the next slot (an atomic counter) and evicts the entry that slot named, so the
 * oldest entries go first. Entries also expire on their own TTL.
 */
export class ExactStore {
  constructor(private readonly kv: KeyValueStore) {}

  private tenant(tenantId: string): KeyValueStore {
    return this.kv.namespace("t", tenantId);
  }

  /** The entry stored under `key` for this tenant; undefined when absent, expired or unreadable. */
  async get(tenantId: string, key: string): Promise<CacheEntry | undefined> {
    const text = await this.tenant(tenantId).get(`e:${key}`);
    if (text === undefined) return undefined;
    try {
      const v: unknown = JSON.parse(text);
      return isEntry(v) ? v : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores `entry` for `ttlMs`, evicting the tenant's oldest entry past `maxEntries`. */
  async put(
    tenantId: string,
    key: string,
    entry: CacheEntry,
    ttlMs: number,
    limits: { maxEntries: number; maxTtlMs: number },
  ): Promise<void> {
    const kv = this.tenant(tenantId);
    await kv.set(`e:${key}`, JSON.stringify(entry), { ttlMs });
    // The ring outlives any entry (maxTtl), so a slot always names the entry it bounds.
    const n = await kv.incr("ring:n", 1, { ttlMs: limits.maxTtlMs });
    const slot = `ring:${(n - 1) % limits.maxEntries}`;
    const evicted = await kv.get(slot);
    if (evicted !== undefined && evicted !== key) await kv.delete(`e:${evicted}`);
    await kv.set(slot, key, { ttlMs: limits.maxTtlMs });
  }
}
