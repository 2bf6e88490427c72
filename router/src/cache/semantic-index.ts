import type { KeyValueStore } from "../state/key-value.js";

/**
 * The semantic cache's vectors: per (tenant, bucket) a ring of at most `maxBucketEntries` slots
 * in the key/value store, each `{k: exact key, v: unit vector}`, so every replica sees every
 * entry (Debian's Redis 7 has no vector search, and buckets are small enough to scan). Each
 * replica keeps an in-process copy of the buckets it reads, re-read after `refreshMs` or as soon
 * as another replica announces a write on the `semantic` channel (at-most-once; the refresh
 * interval covers a missed message).
 */

interface Item {
  key: string;
  vec: Float32Array;
}

interface Loaded {
  at: number;
  items: Item[];
}

/** In-process buckets kept per replica; the oldest loaded is dropped past it. */
const MAX_LOADED_BUCKETS = 1024;
const SEP = "\u001f";

export interface SemanticIndexOptions {
  kv: KeyValueStore;
  maxBucketEntries: () => number;
  refreshMs: () => number;
  /** Entries' lifetime bound: slots expire after it. */
  maxTtlMs: () => number;
  now: () => number;
  /** Called when the subscription to other replicas' writes fails (the refresh interval still applies). */
  onError: (err: unknown) => void;
}

/** `v` scaled to length 1, so cosine similarity is a dot product; undefined for a zero vector. */
export function unitVector(v: readonly number[]): Float32Array | undefined {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (!(norm > 0) || !Number.isFinite(norm)) return undefined;
  return Float32Array.from(v, (x) => x / norm);
}

function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return -1;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

const encodeVec = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");

function decodeItem(text: string | undefined): Item | undefined {
  if (text === undefined) return undefined;
  try {
    const o = JSON.parse(text) as { k?: unknown; v?: unknown };
    if (typeof o.k !== "string" || typeof o.v !== "string") return undefined;
    const b = Buffer.from(o.v, "base64");
    const vec = new Float32Array(b.byteLength / 4);
    new Uint8Array(vec.buffer).set(b.subarray(0, vec.byteLength));
    return { key: o.k, vec };
  } catch {
    return undefined;
  }
}

export class SemanticIndex {
  private readonly loaded = new Map<string, Loaded>();
  private unsubscribe: Promise<(() => Promise<void>) | undefined> | undefined;

  constructor(private readonly o: SemanticIndexOptions) {}

  /** Subscribes on first use, so a router without semantic caching opens no subscriber connection. */
  private listen(): void {
    // Another replica's write makes our copy of that bucket stale at once.
    this.unsubscribe ??= this.o.kv
      .subscribe("semantic", (id) => {
        this.loaded.delete(id);
      })
      .catch((err: unknown) => {
        this.o.onError(err);
        return undefined;
      });
  }

  private bucketKv(tenantId: string, bucket: string): KeyValueStore {
    return this.o.kv.namespace("t", tenantId, "b", bucket);
  }

  private async load(tenantId: string, bucket: string): Promise<Item[]> {
    this.listen();
    const id = tenantId + SEP + bucket;
    const have = this.loaded.get(id);
    if (have && this.o.now() - have.at < this.o.refreshMs()) return have.items;
    const kv = this.bucketKv(tenantId, bucket);
    const n = Number((await kv.get("n")) ?? 0);
    const count = Math.min(Number.isFinite(n) ? n : 0, this.o.maxBucketEntries());
    const slots = await kv.getMany(Array.from({ length: count }, (_, i) => `s:${i}`));
    const items = slots.map(decodeItem).filter((x): x is Item => x !== undefined);
    this.remember(id, { at: this.o.now(), items });
    return items;
  }

  private remember(id: string, l: Loaded): void {
    this.loaded.delete(id);
    this.loaded.set(id, l);
    if (this.loaded.size > MAX_LOADED_BUCKETS) {
      const oldest = this.loaded.keys().next().value;
      if (oldest !== undefined) this.loaded.delete(oldest);
    }
  }

  /** The stored entry most similar to `vec` in this bucket, when its cosine is at least `threshold`. */
  async nearest(
    tenantId: string,
    bucket: string,
    vec: Float32Array,
    threshold: number,
  ): Promise<{ key: string; score: number } | undefined> {
    let best: { key: string; score: number } | undefined;
    for (const item of await this.load(tenantId, bucket)) {
      const score = dot(vec, item.vec);
      if (score >= threshold && (!best || score > best.score)) best = { key: item.key, score };
    }
    return best;
  }

  /** Adds an entry's vector to its bucket (overwriting the oldest past the bound) and tells the other replicas. */
  async add(tenantId: string, bucket: string, vec: Float32Array, key: string): Promise<void> {
    this.listen();
    const kv = this.bucketKv(tenantId, bucket);
    const ttlMs = this.o.maxTtlMs();
    const n = await kv.incr("n", 1, { ttlMs });
    await kv.set(`s:${(n - 1) % this.o.maxBucketEntries()}`, JSON.stringify({ k: key, v: encodeVec(vec) }), {
      ttlMs,
    });
    const id = tenantId + SEP + bucket;
    this.loaded.delete(id);
    await this.o.kv.publish("semantic", id);
  }

  async close(): Promise<void> {
    const off = await this.unsubscribe;
    this.unsubscribe = undefined;
    await off?.().catch(() => undefined);
  }
}
