import type { Redis } from "ioredis";
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

// KEYS[1]: counter. ARGV: increment, ttl ms. INCRBYFLOAT and the expiry of a new counter in one step,
// so a replica dying between the two cannot leave a counter that never expires.
const INCR = `local v = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v`;

export interface RedisKeyValueOptions {
  /** Commands go here (shared with the rest of the state store). */
  client: Redis;
  /** Prefix of every key and channel (the state store's prefix plus `kv:`). */
  prefix: string;
  /** Largest value `set` accepts, bytes. Defaults to 1 MiB. */
  maxValueBytes?: number;
}

/**
 * The key/value store shared by every replica through Redis (see key-value.ts for the contract).
 * Expiry is Redis's own (`PX`), so every replica sees the same entries expire at the same time.
 */
export class RedisKeyValue implements KeyValueStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly maxValueBytes: number;
  /** A subscribed Redis connection can run no other command: one more, opened on first subscribe. */
  private subscriber: Redis | undefined;
  private readonly channels = new Map<
    string,
    { handlers: Set<(message: string) => void>; ready: Promise<void> }
  >();

  constructor(opts: RedisKeyValueOptions) {
    this.redis = opts.client;
    this.prefix = opts.prefix;
    this.maxValueBytes = opts.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.k(key))) ?? undefined;
  }

  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    if (keys.length === 0) return [];
    const out = await this.redis.mget(...keys.map((k) => this.k(k)));
    return out.map((v) => v ?? undefined);
  }

  async set(key: string, value: string, opts: SetOptions): Promise<boolean> {
    const ttl = ttlMillis(opts.ttlMs);
    checkValueSize(key, value, this.maxValueBytes);
    const r = opts.ifAbsent
      ? await this.redis.set(this.k(key), value, "PX", ttl, "NX")
      : await this.redis.set(this.k(key), value, "PX", ttl);
    return r === "OK";
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(this.k(key))) > 0;
  }

  async incr(key: string, by: number, opts: IncrOptions): Promise<number> {
    const ttl = ttlMillis(opts.ttlMs);
    if (!Number.isFinite(by)) throw new TypeError(`incr by must be a finite number, got ${by}`);
    // Redis parses the increment as a long double; 17 significant digits round-trip a JS double.
    const out = await this.redis.eval(INCR, 1, this.k(key), by.toPrecision(17), ttl);
    return Number(out);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.publish(this.k(channel), message);
  }

  private connectSubscriber(): Redis {
    if (this.subscriber) return this.subscriber;
    const sub = this.redis.duplicate();
    // ioredis re-subscribes after a reconnect; errors surface on the command side, the event needs a listener.
    sub.on("error", () => undefined);
    sub.on("message", (channel: string, message: string) => {
      for (const fn of [...(this.channels.get(channel)?.handlers ?? [])]) fn(message);
    });
    this.subscriber = sub;
    return sub;
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    const name = this.k(channel);
    const sub = this.connectSubscriber();
    let ch = this.channels.get(name);
    if (!ch) {
      // Callers racing on one channel all wait for the same SUBSCRIBE acknowledgement.
      const fresh = {
        handlers: new Set<(message: string) => void>(),
        ready: sub.subscribe(name).then(
          () => undefined,
          (err: unknown) => {
            // Forget the failed channel so a later subscribe tries again.
            if (this.channels.get(name) === fresh) this.channels.delete(name);
            throw err;
          },
        ),
      };
      ch = fresh;
      this.channels.set(name, ch);
    }
    const fn = (m: string) => onMessage(m);
    ch.handlers.add(fn);
    await ch.ready;
    const mine = ch;
    return async () => {
      if (!mine.handlers.delete(fn) || mine.handlers.size > 0) return;
      if (this.channels.get(name) === mine) this.channels.delete(name);
      await sub.unsubscribe(name).catch(() => undefined);
    };
  }

  namespace(...segments: string[]): KeyValueStore {
    return new NamespacedKeyValue(this, namespacePrefix(segments));
  }

  /** Closes the subscriber connection (the command client belongs to the state store). */
  async close(): Promise<void> {
    this.channels.clear();
    await this.subscriber?.quit().catch(() => undefined);
    this.subscriber = undefined;
  }
}
