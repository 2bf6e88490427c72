import { MemoryKeyValue, type MemoryKeyValueOptions } from "./memory-key-value.js";
import type {
  BucketResult,
  BucketSpec,
  BudgetSpec,
  BudgetState,
  ReserveResult,
  StateStore,
} from "./types.js";

interface Bucket {
  tokens: number;
  at: number;
}

/** Counters for a single router replica. Expired entries are dropped lazily. */
export class MemoryStateStore implements StateStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly slots = new Map<string, number>();
  private readonly budgets = new Map<string, BudgetState & { expires: number }>();
  private readonly once = new Map<string, number>();
  readonly kv: MemoryKeyValue;

  constructor(
    private readonly now: () => number = Date.now,
    kvOptions: MemoryKeyValueOptions = {},
  ) {
    this.kv = new MemoryKeyValue(now, kvOptions);
  }

  private refill(spec: BucketSpec, t: number): Bucket {
    const rate = spec.capacity / (spec.periodSec * 1000);
    const b = this.buckets.get(spec.key) ?? { tokens: spec.capacity, at: t };
    b.tokens = Math.min(spec.capacity, b.tokens + (t - b.at) * rate);
    b.at = t;
    this.buckets.set(spec.key, b);
    return b;
  }

  async takeBuckets(specs: BucketSpec[]): Promise<{ ok: boolean; results: BucketResult[] }> {
    const t = this.now();
    const buckets = specs.map((s) => this.refill(s, t));
    const ok = specs.every((s, i) => buckets[i]!.tokens >= s.cost);
    const results = specs.map((s, i) => {
      const b = buckets[i]!;
      if (ok) b.tokens -= s.cost;
      const rate = s.capacity / s.periodSec;
      const short = s.cost - b.tokens;
      return {
        ok: ok || b.tokens >= s.cost,
        remaining: Math.max(0, Math.floor(b.tokens)),
        retryAfterSec: ok || short <= 0 ? 0 : Math.ceil(short / rate),
        resetSec: Math.ceil((s.capacity - b.tokens) / rate),
      };
    });
    return { ok, results };
  }

  async adjustBucket(spec: BucketSpec, amount: number): Promise<void> {
    const b = this.refill(spec, this.now());
    b.tokens = Math.min(spec.capacity, b.tokens + amount);
  }

  async acquireSlots(slots: { key: string; limit: number }[]): Promise<boolean> {
    if (!slots.every((s) => (this.slots.get(s.key) ?? 0) < s.limit)) return false;
    for (const s of slots) this.slots.set(s.key, (this.slots.get(s.key) ?? 0) + 1);
    return true;
  }

  async releaseSlots(keys: string[]): Promise<void> {
    for (const k of keys) {
      const n = (this.slots.get(k) ?? 0) - 1;
      if (n > 0) this.slots.set(k, n);
      else this.slots.delete(k);
    }
  }

  private budget(spec: { key: string; ttlSec?: number }): BudgetState & { expires: number } {
    const t = this.now();
    let b = this.budgets.get(spec.key);
    if (!b || b.expires <= t) {
      b = { spent: 0, reserved: 0, expires: t + (spec.ttlSec ?? 86_400) * 1000 };
      this.budgets.set(spec.key, b);
      // Period keys change daily/monthly; sweep the expired ones so the map stays bounded.
      if (this.budgets.size > 1000)
        for (const [k, v] of this.budgets) if (v.expires <= t) this.budgets.delete(k);
    }
    return b;
  }

  async reserve(budgets: BudgetSpec[], amount: number): Promise<ReserveResult> {
    const states = budgets.map((s) => this.budget(s));
    for (let i = 0; i < budgets.length; i++) {
      const limit = budgets[i]!.limit;
      const b = states[i]!;
      if (limit !== undefined && b.spent + b.reserved + amount > limit + 1e-12)
        return { ok: false, key: budgets[i]!.key, state: { spent: b.spent, reserved: b.reserved } };
    }
    for (const b of states) b.reserved += amount;
    return { ok: true };
  }

  async settle(budgets: BudgetSpec[], reserved: number, actual: number): Promise<number[]> {
    return budgets.map((s) => {
      const b = this.budget(s);
      b.reserved = Math.max(0, b.reserved - reserved);
      b.spent += actual;
      return b.spent;
    });
  }

  async getBudget(key: string): Promise<BudgetState> {
    const b = this.budgets.get(key);
    if (!b || b.expires <= this.now()) return { spent: 0, reserved: 0 };
    return { spent: b.spent, reserved: b.reserved };
  }

  async setOnce(key: string, ttlSec: number): Promise<boolean> {
    const t = this.now();
    const exp = this.once.get(key);
    if (exp !== undefined && exp > t) return false;
    this.once.set(key, t + ttlSec * 1000);
    if (this.once.size > 1000) for (const [k, exp] of this.once) if (exp <= t) this.once.delete(k);
    return true;
  }

  async close(): Promise<void> {
    this.kv.close();
  }
}
