import type { Redis } from "ioredis";
import type { Registry } from "prom-client";
import { createTenantMetrics, type TenantMetrics } from "./metrics.js";
import {
  addRecordToRollup,
  bucketField,
  emptyRollup,
  isCacheHit,
  latencyBucket,
  setRollupField,
  type UsageRollup,
} from "./rollup.js";
import { addRecord, addTotals, emptyTotals, type GroupBy, groupKey, type UsageTotals } from "./totals.js";
import type { UsageRecord, UsageSink } from "./types.js";

const HOUR = 3_600_000;

export interface UsageQuery {
  /** Inclusive start, epoch ms. */
  from: number;
  /** Exclusive end, epoch ms. */
  to: number;
  groupBy: GroupBy;
}

export interface UsageReport {
  from: string;
  to: string;
  groupBy: GroupBy;
  /** `records` when every request in range is still held individually; else `hourly` roll-ups (range widened to whole hours). */
  resolution: "records" | "hourly";
  totals: UsageTotals;
  breakdown: ({ key: string } & UsageTotals)[];
}

export interface LedgerOptions {
  /** Individual records kept (oldest dropped first); hourly roll-ups are kept regardless. Defaults to 100000. */
  maxRecords?: number;
  /** Hourly roll-ups kept, in hours. Defaults to 24*400 (more than a year of monthly reports). */
  rollupHours?: number;
  /** Exports llm_router_tenant_* counters when given. */
  registry?: Registry;
  /** Shared roll-ups across replicas: hourly hashes in this Redis (queries then use hourly resolution). */
  redis?: { client: Redis; keyPrefix?: string };
}

/** Roll-up key fields joined by \u001f, which config ids cannot contain. */
const SEP = "\u001f";
const dims = (r: UsageRecord) => [r.tenantId, r.target, r.model].join(SEP);

/** One hourly roll-up of one (tenant, target, model), as `UsageLedger.rollups` returns it. */
export interface HourlyRollup {
  /** Hour start, epoch ms. */
  hour: number;
  tenantId: string;
  target: string;
  model: string;
  totals: UsageRollup;
}

/**
 * The usage ledger: one record per finished or refused request. Keeps the latest records for
 * precise queries, hourly aggregates by (tenant, target, model) for long ranges, Prometheus
 * counters per tenant, and, with Redis, hourly aggregates shared by every replica.
 */
export class UsageLedger implements UsageSink {
  private readonly ring: UsageRecord[] = [];
  private head = 0;
  private readonly max: number;
  private readonly rollupHours: number;
  /** hour start -> dims -> totals */
  private readonly hourly = new Map<number, Map<string, UsageRollup>>();
  private readonly metrics?: TenantMetrics;
  /** Oldest timestamp no longer held individually (records before it were evicted). */
  private evictedUpTo = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: LedgerOptions = {}) {
    this.max = opts.maxRecords ?? 100_000;
    this.rollupHours = opts.rollupHours ?? 24 * 400;
    if (opts.registry) this.metrics = createTenantMetrics(opts.registry);
  }

  async record(rec: UsageRecord): Promise<void> {
    if (this.ring.length < this.max) this.ring.push(rec);
    else {
      const old = this.ring[this.head]!;
      this.evictedUpTo = Math.max(this.evictedUpTo, old.timestamp);
      this.ring[this.head] = rec;
      this.head = (this.head + 1) % this.max;
    }
    const hour = Math.floor(rec.timestamp / HOUR) * HOUR;
    let bucket = this.hourly.get(hour);
    if (!bucket) {
      bucket = new Map();
      this.hourly.set(hour, bucket);
      this.pruneRollups(hour);
    }
    const key = dims(rec);
    const t = bucket.get(key) ?? emptyRollup();
    addRecordToRollup(t, rec);
    bucket.set(key, t);
    this.metrics?.observe(rec);
    if (this.opts.redis) await this.recordRedis(hour, key, rec);
  }

  private pruneRollups(latestHour: number): void {
    const cutoff = latestHour - this.rollupHours * HOUR;
    for (const h of this.hourly.keys()) if (h < cutoff) this.hourly.delete(h);
  }

  private redisKey(hour: number): string {
    return `${this.opts.redis?.keyPrefix ?? "llm-router:"}usage:${hour}`;
  }

  private async recordRedis(hour: number, key: string, r: UsageRecord): Promise<void> {
    const k = this.redisKey(hour);
    const multi = this.opts.redis!.client.multi();
    multi.hincrby(k, `${key}${SEP}requests`, 1);
    if (r.status >= 400) multi.hincrby(k, `${key}${SEP}errors`, 1);
    multi.hincrby(k, `${key}${SEP}promptTokens`, r.promptTokens);
    multi.hincrby(k, `${key}${SEP}completionTokens`, r.completionTokens);
    multi.hincrbyfloat(k, `${key}${SEP}costUsd`, r.costUsd);
    multi.hincrbyfloat(k, `${key}${SEP}latencyMs`, r.latencyMs);
    // Analytics fields (rollup.ts); hashes written before them read 0.
    if (isCacheHit(r)) multi.hincrby(k, `${key}${SEP}cacheHits`, 1);
    if (r.savedUsd) multi.hincrbyfloat(k, `${key}${SEP}savedUsd`, r.savedUsd);
    if (r.cacheReadTokens) multi.hincrby(k, `${key}${SEP}cacheReadTokens`, r.cacheReadTokens);
    multi.hincrby(k, `${key}${SEP}${bucketField(latencyBucket(r.latencyMs))}`, 1);
    multi.expire(k, this.rollupHours * 3600);
    await multi.exec();
  }

  /** Individual records in [from, to), newest last (for tests and exports). */
  records(from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY): UsageRecord[] {
    const ordered = [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
    return ordered.filter((r) => r.timestamp >= from && r.timestamp < to);
  }

  async query(q: UsageQuery): Promise<UsageReport> {
    const groups = new Map<string, UsageTotals>();
    const totals = emptyTotals();
    const add = (key: string, t: UsageTotals) => {
      const g = groups.get(key) ?? emptyTotals();
      addTotals(g, t);
      groups.set(key, g);
      addTotals(totals, t);
    };
    let resolution: UsageReport["resolution"] = "records";
    let { from, to } = q;
    if (this.holdsAllRecords(q.from)) {
      for (const r of this.records(q.from, q.to)) {
        const one = emptyTotals();
        addRecord(one, r);
        add(groupKey(r, q.groupBy), one);
      }
    } else {
      resolution = "hourly";
      from = Math.floor(q.from / HOUR) * HOUR;
      to = Math.ceil(q.to / HOUR) * HOUR;
      for (const [, dimsMap] of this.opts.redis ? await this.redisHours(from, to) : this.localHours(from, to))
        for (const [d, t] of dimsMap) {
          const [tenantId = "", target = "", model = ""] = d.split(SEP);
          add(groupKey({ tenantId, target, model }, q.groupBy), t);
        }
    }
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      groupBy: q.groupBy,
      resolution,
      totals,
      breakdown: [...groups.entries()]
        .map(([key, t]) => ({ key, ...t }))
        .sort((a, b) => b.costUsd - a.costUsd || a.key.localeCompare(b.key)),
    };
  }

  /**
   * The hourly roll-ups whose hour starts in [from, to) (bounds widened to whole hours): shared
   * by every replica with Redis, else this replica's. The analytics report reads them.
   */
  async rollups(from: number, to: number): Promise<HourlyRollup[]> {
    const start = Math.floor(from / HOUR) * HOUR;
    const end = Math.ceil(to / HOUR) * HOUR;
    const hours = this.opts.redis ? await this.redisHours(start, end) : this.localHours(start, end);
    const out: HourlyRollup[] = [];
    for (const [hour, dimsMap] of hours)
      for (const [d, totals] of dimsMap) {
        const [tenantId = "", target = "", model = ""] = d.split(SEP);
        out.push({ hour, tenantId, target, model, totals });
      }
    return out;
  }

  /** True when every request in [from, to) is still held individually by this replica (no Redis). */
  holdsAllRecords(from: number): boolean {
    return !this.opts.redis && from > this.evictedUpTo;
  }

  private localHours(from: number, to: number): [number, Map<string, UsageRollup>][] {
    return [...this.hourly.entries()].filter(([h]) => h >= from && h < to);
  }

  private async redisHours(from: number, to: number): Promise<[number, Map<string, UsageRollup>][]> {
    const out: [number, Map<string, UsageRollup>][] = [];
    // Bounded: at most rollupHours hashes are read.
    const start = Math.max(from, to - this.rollupHours * HOUR);
    for (let h = start; h < to; h += HOUR) {
      const raw = await this.opts.redis!.client.hgetall(this.redisKey(h));
      const m = new Map<string, UsageRollup>();
      for (const [field, value] of Object.entries(raw)) {
        const cut = field.lastIndexOf(SEP);
        const d = field.slice(0, cut);
        const t = m.get(d) ?? emptyRollup();
        setRollupField(t, field.slice(cut + 1), value);
        m.set(d, t);
      }
      if (m.size > 0) out.push([h, m]);
    }
    return out;
  }
}

export function createUsageLedger(opts: LedgerOptions = {}): UsageLedger {
  return new UsageLedger(opts);
}
