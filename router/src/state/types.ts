import type { KeyValueStore } from "./key-value.js";

/**
 * Shared counters behind rate limits, concurrency and budgets, plus a generic key/value store
 * (`kv`) for everything else replicas share. One replica uses the in-memory
 * store; several replicas share one Redis so limits and spend hold across all of them. Every
 * method is atomic with respect to concurrent callers (single-threaded JS in memory, Lua in Redis).
 */

export interface BucketResult {
  ok: boolean;
  /** Tokens left after this take (0 when refused). */
  remaining: number;
  /** Seconds until the refused take could succeed (0 when ok). */
  retryAfterSec: number;
  /** Seconds until the bucket is full again. */
  resetSec: number;
}

/** A bucket to take from: capacity refills evenly over `periodSec` (e.g. requests per minute). */
export interface BucketSpec {
  key: string;
  capacity: number;
  /** Refill period for the whole capacity, seconds. */
  periodSec: number;
  cost: number;
}

/** A budget counter and its hard limit (undefined: tracked but unlimited). */
export interface BudgetSpec {
  key: string;
  limit?: number;
  /** Counter lifetime; set once per period key so old periods disappear. */
  ttlSec: number;
}

export interface BudgetState {
  spent: number;
  reserved: number;
}

export type ReserveResult = { ok: true } | { ok: false; key: string; state: BudgetState };

export interface StateStore {
  /**
   * Takes `cost` from every bucket or from none (all-or-nothing, so a refusal by the tokens
   * bucket does not burn a request). Results are in `specs` order.
   */
  takeBuckets(specs: BucketSpec[]): Promise<{ ok: boolean; results: BucketResult[] }>;
  /** Adds `amount` back (negative takes more; the bucket may then run into debt). Capped at capacity. */
  adjustBucket(spec: BucketSpec, amount: number): Promise<void>;
  /** Takes one slot of each counter if all are below their limit; all-or-nothing. */
  acquireSlots(slots: { key: string; limit: number }[], ttlSec: number): Promise<boolean>;
  releaseSlots(keys: string[]): Promise<void>;
  /** Adds `amount` to every budget's reserved sum if spent+reserved+amount stays within each limit. */
  reserve(budgets: BudgetSpec[], amount: number): Promise<ReserveResult>;
  /** Moves `reserved` out of reservation and adds `actual` to spent; returns spent after, per budget. */
  settle(budgets: BudgetSpec[], reserved: number, actual: number): Promise<number[]>;
  getBudget(key: string): Promise<BudgetState>;
  /** Plain key/value with TTL (used for once-only alerts). Returns true when the key was newly set. */
  setOnce(key: string, ttlSec: number): Promise<boolean>;
  /** Generic key/value with TTL and pub/sub, in its own key space (see key-value.ts). */
  readonly kv: KeyValueStore;
  close(): Promise<void>;
}
