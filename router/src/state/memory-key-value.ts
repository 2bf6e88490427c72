import {
  checkValueSize,
  DEFAULT_MAX_VALUE_BYTES,
  type IncrOptions,
  type KeyValueStore,
  NamespacedKeyValue,
  namespacePrefix,
  type SetOptions,
  ttlMillis,
} from "./key-value.js";

export interface MemoryKeyValueOptions {
  /** Largest value `set` accepts, bytes. Defaults to 1 MiB. */
  maxValueBytes?: number;
  /**
   * Bound on the sum of key and value sizes. Past it, expired entries are swept and then the
   * least recently written ones are dropped (as Redis does under `maxmemory`). Defaults to 64 MiB.
   */
  maxBytes?: number;
}

interface Entry {
  value: string;
  expires: number;
  bytes: number;
}

/** Sweep expired entries every this many writes, so keys nobody reads again do not pile up. */
const SWEEP_EVERY = 1000;

/** The key/value store of a single router replica (see key-value.ts for the contract). */
export class MemoryKeyValue implements KeyValueStore {
  // Map keeps insertion order; every write re-inserts, so the first entries are the oldest written.
  private readonly entries = new Map<string, Entry>();
  private readonly channels = new Map<string, Set<(message: string) => void>>();
  private readonly maxValueBytes: number;
  private readonly maxBytes: number;
  private bytes = 0;
  private writes = 0;

  constructor(
    private readonly now: () => number = Date.now,
    opts: MemoryKeyValueOptions = {},
  ) {
    this.maxValueBytes = opts.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  }

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e && e.expires <= this.now()) {
      this.remove(key, e);
      return undefined;
    }
    return e;
  }

  private remove(key: string, e: Entry): void {
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }

  private write(key: string, value: string, expires: number): void {
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    const e = { value, expires, bytes: Buffer.byteLength(key) + Buffer.byteLength(value) };
    this.entries.set(key, e);
    this.bytes += e.bytes;
    if (++this.writes % SWEEP_EVERY === 0 || this.bytes > this.maxBytes) this.sweep();
    for (const [k, oldest] of this.entries) {
      if (this.bytes <= this.maxBytes || k === key) break;
      this.remove(k, oldest);
    }
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, e] of this.entries) if (e.expires <= t) this.remove(k, e);
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    return keys.map((k) => this.live(k)?.value);
  }

  async set(key: string, value: string, opts: SetOptions): Promise<boolean> {
    const ttl = ttlMillis(opts.ttlMs);
    checkValueSize(key, value, this.maxValueBytes);
    if (opts.ifAbsent && this.live(key)) return false;
    this.write(key, value, this.now() + ttl);
    return true;
  }

  async delete(key: string): Promise<boolean> {
    const e = this.live(key);
    if (e) this.remove(key, e);
    return e !== undefined;
  }

  async incr(key: string, by: number, opts: IncrOptions): Promise<number> {
    const ttl = ttlMillis(opts.ttlMs);
    if (!Number.isFinite(by)) throw new TypeError(`incr by must be a finite number, got ${by}`);
    const e = this.live(key);
    const current = e ? Number(e.value) : 0;
    // Same refusal as Redis INCRBYFLOAT on a non-numeric value.
    if (e && (e.value.trim() === "" || !Number.isFinite(current)))
      throw new Error(`value for "${key}" is not a valid float`);
    const next = current + by;
    this.write(key, String(next), e ? e.expires : this.now() + ttl);
    return next;
  }

  async publish(channel: string, message: string): Promise<void> {
    const subs = this.channels.get(channel);
    if (!subs) return;
    // Asynchronous like Redis: a publisher never runs subscribers inside its own call stack.
    for (const fn of [...subs]) queueMicrotask(() => fn(message));
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    let subs = this.channels.get(channel);
    if (!subs) {
      subs = new Set();
      this.channels.set(channel, subs);
    }
    // A wrapper per call, so subscribing the same function twice is two subscriptions.
    const fn = (m: string) => onMessage(m);
    subs.add(fn);
    return async () => {
      subs.delete(fn);
      if (subs.size === 0 && this.channels.get(channel) === subs) this.channels.delete(channel);
    };
  }

  namespace(...segments: string[]): KeyValueStore {
    return new NamespacedKeyValue(this, namespacePrefix(segments));
  }

  /** Drops every subscription (entries stay until the process ends). */
  close(): void {
    this.channels.clear();
  }
}
