/**
 * A generic key/value store with TTL and pub/sub, shared by every router replica when the state
 * store is Redis (one process's memory otherwise). Built for what later features keep here:
 * stored responses (`/v1/responses`), response-cache entries, minted keys and revocations, pending
 * demand. Values are strings (JSON is the caller's to encode), every entry has a TTL, and values
 * are size-bounded so one caller cannot fill Redis. Per-tenant isolation is the caller's key
 * prefix: `kv.namespace("responses", tenantId)`.
 */

export interface SetOptions {
  /** Lifetime in milliseconds (> 0). Every entry expires: nothing here lives forever. */
  ttlMs: number;
  /** Write only when the key is absent (Redis `NX`); `set` then returns false if it existed. */
  ifAbsent?: boolean;
}

export interface IncrOptions {
  /** Lifetime of a counter created by this call; an existing counter keeps its expiry. */
  ttlMs: number;
}

export interface KeyValueStore {
  /** The stored value, or undefined when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** `get` for several keys in one round trip, results in `keys` order. */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Stores `value` for `ttlMs`; true when written (false only when `ifAbsent` found the key). */
  set(key: string, value: string, opts: SetOptions): Promise<boolean>;
  /** Removes the key; true when it existed. */
  delete(key: string): Promise<boolean>;
  /**
   * Adds `by` (any float) to the number stored at `key`, creating it at 0 with `ttlMs` when absent,
   * atomically across replicas. Returns the new value; rejects when the stored value is not a number.
   */
  incr(key: string, by: number, opts: IncrOptions): Promise<number>;
  /**
   * Sends `message` to every current subscriber of `channel` on every replica. Delivery is
   * at-most-once (Redis pub/sub keeps nothing): use it to invalidate or refresh, and keep the
   * truth in keys so a replica that missed a message still reads it.
   */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Calls `onMessage` for each message published on `channel` from now on (resolves once the
   * subscription is active). Returns the unsubscribe function.
   */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
  /**
   * The same store seen under a prefix: `kv.namespace("responses", tenant).get(id)` can never
   * read another namespace's keys or channels (segments are encoded, so `("a:b")` and `("a", "b")` differ).
   */
  namespace(...segments: string[]): KeyValueStore;
}

/** Largest value `set` accepts unless configured otherwise: 1 MiB (a long stored response fits). */
export const DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;

/** A write refused by the store's bounds (value too large, bad TTL); not an outage. */
export class KeyValueLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyValueLimitError";
  }
}

/** Validates a TTL and returns it as whole milliseconds (Redis `PX` takes integers). */
export function ttlMillis(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0)
    throw new KeyValueLimitError(`ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}

/** Refuses a value over `maxBytes` (UTF-8), naming the key. */
export function checkValueSize(key: string, value: string, maxBytes: number): void {
  const size = Buffer.byteLength(value, "utf8");
  if (size > maxBytes)
    throw new KeyValueLimitError(`value for "${key}" is ${size} bytes, over the ${maxBytes}-byte limit`);
}

/** `a:b` from segments, each percent-encoded so a `:` inside a segment cannot forge another namespace. */
export function namespacePrefix(segments: readonly string[]): string {
  if (segments.length === 0) throw new KeyValueLimitError("namespace needs at least one segment");
  return segments.map((s) => `${encodeURIComponent(s)}:`).join("");
}

/** A store seen under a prefix; the wrapped store does the work. */
export class NamespacedKeyValue implements KeyValueStore {
  constructor(
    private readonly base: KeyValueStore,
    private readonly prefix: string,
  ) {}

  get(key: string): Promise<string | undefined> {
    return this.base.get(this.prefix + key);
  }

  getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    return this.base.getMany(keys.map((k) => this.prefix + k));
  }

  set(key: string, value: string, opts: SetOptions): Promise<boolean> {
    return this.base.set(this.prefix + key, value, opts);
  }

  delete(key: string): Promise<boolean> {
    return this.base.delete(this.prefix + key);
  }

  incr(key: string, by: number, opts: IncrOptions): Promise<number> {
    return this.base.incr(this.prefix + key, by, opts);
  }

  publish(channel: string, message: string): Promise<void> {
    return this.base.publish(this.prefix + channel, message);
  }

  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    return this.base.subscribe(this.prefix + channel, onMessage);
  }

  namespace(...segments: string[]): KeyValueStore {
    return new NamespacedKeyValue(this.base, this.prefix + namespacePrefix(segments));
  }
}
