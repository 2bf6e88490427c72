import { Redis } from "ioredis";
import { RedisKeyValue } from "./redis-key-value.js";
import type {
  BucketResult,
  BucketSpec,
  BudgetSpec,
  BudgetState,
  ReserveResult,
  StateStore,
} from "./types.js";

/**
 * Shared state for several router replicas. Each operation is one Lua script, so a check and
 * its update are atomic across replicas; time comes from the Redis server (TIME) so replica
 * clock skew cannot refill buckets early. Floats travel as strings (Lua numbers returned to
 * Redis are truncated to integers).
 */

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// KEYS: buckets. ARGV: per bucket capacity, periodSec, cost. Returns ok, then tokens after per bucket.
const TAKE = `${NOW}
local toks = {}
local ok = 1
for i = 1, #KEYS do
  local cap = tonumber(ARGV[(i-1)*3+1]); local period = tonumber(ARGV[(i-1)*3+2]); local cost = tonumber(ARGV[(i-1)*3+3])
  local h = redis.call('HMGET', KEYS[i], 'tk', 'at')
  local tk = tonumber(h[1]); local at = tonumber(h[2])
  if tk == nil or at == nil then tk = cap; at = now end
  tk = math.min(cap, tk + math.max(0, now - at) * cap / (period * 1000))
  toks[i] = tk
  if tk < cost then ok = 0 end
end
local out = {ok}
for i = 1, #KEYS do
  local period = tonumber(ARGV[(i-1)*3+2]); local cost = tonumber(ARGV[(i-1)*3+3])
  local tk = toks[i]
  if ok == 1 then tk = tk - cost end
  redis.call('HSET', KEYS[i], 'tk', tostring(tk), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[i], math.ceil(period * 2000))
  out[i+1] = tostring(tk)
end
return out`;

// KEYS[1]: bucket. ARGV: capacity, periodSec, amount.
const ADJUST = `${NOW}
local cap = tonumber(ARGV[1]); local period = tonumber(ARGV[2]); local amount = tonumber(ARGV[3])
local h = redis.call('HMGET', KEYS[1], 'tk', 'at')
local tk = tonumber(h[1]); local at = tonumber(h[2])
if tk == nil or at == nil then tk = cap; at = now end
tk = math.min(cap, tk + math.max(0, now - at) * cap / (period * 1000))
tk = math.min(cap, tk + amount)
redis.call('HSET', KEYS[1], 'tk', tostring(tk), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(period * 2000))
return tostring(tk)`;

// KEYS: slot counters. ARGV: limits..., ttlSec (last).
const ACQUIRE = `for i = 1, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[i]) then return 0 end
end
for i = 1, #KEYS do
  redis.call('INCR', KEYS[i])
  redis.call('EXPIRE', KEYS[i], tonumber(ARGV[#KEYS + 1]))
end
return 1`;

const RELEASE = `for i = 1, #KEYS do
  if redis.call('DECR', KEYS[i]) <= 0 then redis.call('DEL', KEYS[i]) end
end
return 1`;

// KEYS: budgets. ARGV: amount, then per budget limit (-1 = none) and ttlSec.
const RESERVE = `local amount = tonumber(ARGV[1])
for i = 1, #KEYS do
  local limit = tonumber(ARGV[2*i])
  local h = redis.call('HMGET', KEYS[i], 's', 'r')
  local s = tonumber(h[1] or '0'); local r = tonumber(h[2] or '0')
  if limit >= 0 and s + r + amount > limit + 1e-12 then return {0, i, tostring(s), tostring(r)} end
end
for i = 1, #KEYS do
  redis.call('HINCRBYFLOAT', KEYS[i], 'r', amount)
  if redis.call('TTL', KEYS[i]) < 0 then redis.call('EXPIRE', KEYS[i], tonumber(ARGV[2*i+1])) end
end
return {1}`;

// KEYS: budgets. ARGV: reserved, actual, ttls...
const SETTLE = `local reserved = tonumber(ARGV[1]); local actual = tonumber(ARGV[2])
local out = {}
for i = 1, #KEYS do
  local r = tonumber(redis.call('HGET', KEYS[i], 'r') or '0') - reserved
  if r < 0 then r = 0 end
  redis.call('HSET', KEYS[i], 'r', tostring(r))
  out[i] = redis.call('HINCRBYFLOAT', KEYS[i], 's', actual)
  if redis.call('TTL', KEYS[i]) < 0 then redis.call('EXPIRE', KEYS[i], tonumber(ARGV[i+2])) end
end
return out`;

export interface RedisStateOptions {
  /** redis:// or rediss:// URL. */
  url: string;
  /** Prefix of every key, so several routers (or environments) can share one Redis. Defaults to `llm-router:`. */
  keyPrefix?: string;
  /** An existing client instead of `url` (tests); not closed by close(). */
  client?: Redis;
  /** Largest value `kv.set` accepts, bytes. Defaults to 1 MiB. */
  maxValueBytes?: number;
}

export class RedisStateStore implements StateStore {
  private readonly redis: Redis;
  private readonly owned: boolean;
  private readonly prefix: string;
  readonly kv: RedisKeyValue;

  constructor(opts: RedisStateOptions) {
    this.prefix = opts.keyPrefix ?? "llm-router:";
    this.owned = !opts.client;
    this.redis = opts.client ?? new Redis(opts.url, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
    // Callers see failures as rejected operations; the event only needs a listener so it is not "unhandled".
    if (this.owned) this.redis.on("error", () => undefined);
    // `kv:` keeps generic keys apart from the counters' `rl:`, `conc:`, `budget:` and `alert:` keys.
    this.kv = new RedisKeyValue({
      client: this.redis,
      prefix: `${this.prefix}kv:`,
      maxValueBytes: opts.maxValueBytes,
    });
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  private eval(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    return this.redis.eval(script, keys.length, ...keys.map((k) => this.k(k)), ...args);
  }

  async takeBuckets(specs: BucketSpec[]): Promise<{ ok: boolean; results: BucketResult[] }> {
    if (specs.length === 0) return { ok: true, results: [] };
    const out = (await this.eval(
      TAKE,
      specs.map((s) => s.key),
      specs.flatMap((s) => [s.capacity, s.periodSec, s.cost]),
    )) as [number, ...string[]];
    const ok = out[0] === 1;
    const results = specs.map((s, i) => {
      const tokens = Number(out[i + 1]);
      const rate = s.capacity / s.periodSec;
      const short = s.cost - tokens;
      return {
        ok: ok || tokens >= s.cost,
        remaining: Math.max(0, Math.floor(tokens)),
        retryAfterSec: ok || short <= 0 ? 0 : Math.ceil(short / rate),
        resetSec: Math.ceil((s.capacity - tokens) / rate),
      };
    });
    return { ok, results };
  }

  async adjustBucket(spec: BucketSpec, amount: number): Promise<void> {
    await this.eval(ADJUST, [spec.key], [spec.capacity, spec.periodSec, amount]);
  }

  async acquireSlots(slots: { key: string; limit: number }[], ttlSec: number): Promise<boolean> {
    if (slots.length === 0) return true;
    const r = await this.eval(
      ACQUIRE,
      slots.map((s) => s.key),
      [...slots.map((s) => s.limit), ttlSec],
    );
    return r === 1;
  }

  async releaseSlots(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.eval(RELEASE, keys, []);
  }

  async reserve(budgets: BudgetSpec[], amount: number): Promise<ReserveResult> {
    if (budgets.length === 0) return { ok: true };
    const out = (await this.eval(
      RESERVE,
      budgets.map((b) => b.key),
      [amount, ...budgets.flatMap((b) => [b.limit ?? -1, b.ttlSec])],
    )) as [number, number?, string?, string?];
    if (out[0] === 1) return { ok: true };
    const i = (out[1] ?? 1) - 1;
    return { ok: false, key: budgets[i]!.key, state: { spent: Number(out[2]), reserved: Number(out[3]) } };
  }

  async settle(budgets: BudgetSpec[], reserved: number, actual: number): Promise<number[]> {
    if (budgets.length === 0) return [];
    const out = (await this.eval(
      SETTLE,
      budgets.map((b) => b.key),
      [reserved, actual, ...budgets.map((b) => b.ttlSec)],
    )) as string[];
    return out.map(Number);
  }

  async getBudget(key: string): Promise<BudgetState> {
    const [s, r] = await this.redis.hmget(this.k(key), "s", "r");
    return { spent: Number(s ?? 0), reserved: Number(r ?? 0) };
  }

  async setOnce(key: string, ttlSec: number): Promise<boolean> {
    return (await this.redis.set(this.k(key), "1", "EX", ttlSec, "NX")) === "OK";
  }

  async close(): Promise<void> {
    await this.kv.close();
    if (this.owned) await this.redis.quit().catch(() => undefined);
  }
}
