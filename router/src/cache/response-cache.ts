import type { IncomingHttpHeaders } from "node:http";
import type { Usage } from "@llm/contracts";
import type { Logger } from "pino";
import type { Generation } from "../forward/context.js";
import type { RouterMetrics } from "../metrics/metrics.js";
import { cacheTokensOf } from "../pricing/cache-pricing.js";
import type { KeyValueStore } from "../state/key-value.js";
import type { Target } from "../targets/target.js";
import { Capture } from "./answer-capture.js";
import { type CacheDirectives, readCacheDirectives } from "./cache-directives.js";
import { bucketKeyOf, exactKeyOf, isDeterministic, lastUserText } from "./cache-key.js";
import { embedText } from "./embedder.js";
import { type CacheEntry, ExactStore } from "./exact-store.js";
import { replayFormatFor } from "./replay-format.js";
import { SemanticIndex, unitVector } from "./semantic-index.js";
import "./openai-replay.js";

/** What the cache did for one routed request (`x-router-cache`, the usage record's `cacheResult`). */
export type CacheResultName = "hit" | "semantic-hit" | "miss" | "bypass";

type CacheSettings = Generation["config"]["router"]["cache"];

/** One routed request, as the cache sees it. */
export interface CacheRequest {
  gen: Generation;
  /** Endpoint kind (`chat`, `completions`, `embeddings`, or a later endpoint with a replay format). */
  kind: string;
  body: object;
  tenantId: string;
  /** The model as requested (a model group's name when it is one). */
  model: string;
  /** The experiment arm routing assigned (`<experiment>/<arm>`); part of the key. */
  variant?: string;
  stream: boolean;
  directives: CacheDirectives;
  /** Headers for the embeddings call (x-request-id, traceparent). */
  headers: Record<string, string>;
}

/** The cache's verdict on a request: a stored answer to serve, or what to store after the upstream answered. */
export interface CacheLookup {
  result: CacheResultName;
  entry?: CacheEntry;
  /** Set when the answer should be stored: hand it to the attempt. */
  capture?: Capture;
  key?: string;
  bucket?: string;
  vec?: Float32Array;
  /** The lookup already asked for the embedding (a failure is not retried when storing). */
  embedTried?: boolean;
  ttlMs?: number;
}

/** A store outage turns the cache off for this long, so requests do not each wait on a dead Redis. */
const OUTAGE_COOLDOWN_MS = 5_000;
/** Longest wait on the store for a lookup; past it the request goes on uncached. */
const LOOKUP_DEADLINE_MS = 1_000;
/**
 * Endpoints cached without a replay format (never streamed). Any other endpoint needs one
 * (replay-format.ts): its answers may carry per-response ids a hit must not repeat.
 */
const FORMATLESS = new Set(["embeddings"]);

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

export interface ResponseCacheOptions {
  /** The state store's key/value API (memory, or Redis shared by replicas), already namespaced. */
  kv: KeyValueStore;
  metrics: RouterMetrics;
  logger: Logger;
  now: () => number;
  /** The running config's cache settings (reload changes them for the next request). */
  settings: () => CacheSettings;
}

/**
 * The response cache (router/README.md § Response cache): exact entries per tenant, then the
 * semantic index, in the state store's key/value API. Every failure of the store or of the
 * embeddings target is logged, counted (`llm_router_cache_errors_total`) and skipped: the cache
 * can make a request slower, never fail it.
 */
export class ResponseCache {
  private readonly exact: ExactStore;
  private readonly semantic: SemanticIndex;
  private downUntil = 0;
  private readonly warnedAt = new Map<string, number>();

  constructor(private readonly o: ResponseCacheOptions) {
    this.exact = new ExactStore(o.kv);
    this.semantic = new SemanticIndex({
      kv: o.kv,
      maxBucketEntries: () => o.settings().semantic.maxBucketEntries,
      refreshMs: () => o.settings().semantic.refreshInterval,
      maxTtlMs: () => o.settings().maxTtl,
      now: o.now,
      onError: (err) => this.failed("subscribe", err),
    });
  }

  private failed(operation: string, err: unknown): void {
    this.o.metrics.cacheErrors.inc({ operation });
    const now = this.o.now();
    // A store failure turns the cache off for a while; an embeddings failure only skips the semantic lookup.
    if (operation !== "embed") this.downUntil = now + OUTAGE_COOLDOWN_MS;
    // One warning per operation and cooldown, not one per request.
    if (now - (this.warnedAt.get(operation) ?? Number.NEGATIVE_INFINITY) >= OUTAGE_COOLDOWN_MS) {
      this.warnedAt.set(operation, now);
      this.o.logger.warn(
        { event: "cache.error", operation, error: (err as Error)?.message ?? String(err) },
        "response cache unavailable; serving without it",
      );
    }
  }

  private counted(l: CacheLookup): CacheLookup {
    this.o.metrics.cacheRequests.inc({ result: l.result });
    return l;
  }

  /** The request's cache headers; a malformed `x-router-cache-ttl` is a 400 naming it. */
  directives(headers: IncomingHttpHeaders): CacheDirectives {
    return readCacheDirectives(headers, this.o.settings().maxTtl);
  }

  /** Looks the request up; never rejects. */
  async lookup(r: CacheRequest): Promise<CacheLookup> {
    const s = this.o.settings();
    const tenant = s.tenants[r.tenantId];
    const enabled = tenant?.enabled ?? s.enabled;
    const format = replayFormatFor(r.kind);
    const deterministicOnly = tenant?.deterministicOnly ?? s.deterministicOnly;
    const cacheable =
      !deterministicOnly || isDeterministic(r.kind, r.body) || r.directives.ttlMs !== undefined;
    const servable = format !== undefined || (FORMATLESS.has(r.kind) && !r.stream);
    if (!enabled || !cacheable || !servable || this.o.now() < this.downUntil)
      return this.counted({ result: "bypass" });
    const read = s.mode !== "write-only" && !r.directives.noCache;
    const write = s.mode !== "read-only" && !r.directives.noStore;
    if (!read && !write) return this.counted({ result: "bypass" });
    const parts = {
      tenantId: r.tenantId,
      endpoint: r.kind,
      model: r.model,
      variant: r.variant,
      body: r.body,
    };
    const key = exactKeyOf(parts);
    const semanticOn =
      (tenant?.semantic ?? s.semantic.enabled) &&
      (s.semantic.models.length === 0 || s.semantic.models.includes(r.model));
    const text = semanticOn ? lastUserText(r.body) : undefined;
    const out: CacheLookup = { result: "miss", key, ttlMs: r.directives.ttlMs ?? s.ttl };
    if (text !== undefined) out.bucket = bucketKeyOf(parts);
    if (read) {
      let entry: CacheEntry | undefined;
      try {
        entry = await withDeadline(this.exact.get(r.tenantId, key), LOOKUP_DEADLINE_MS, "cache lookup");
      } catch (err) {
        this.failed("lookup", err);
        return this.counted({ result: "bypass" });
      }
      if (entry) return this.counted({ result: "hit", entry });
      if (out.bucket && text !== undefined) {
        out.embedTried = true;
        out.vec = await this.embed(r, s, text);
        const near = out.vec && (await this.nearest(r.tenantId, out.bucket, out.vec, s.semantic.threshold));
        if (near) return this.counted({ result: "semantic-hit", entry: near });
      }
    }
    if (write) out.capture = new Capture(r.stream ? format?.collector() : undefined);
    else if (!read) return this.counted({ result: "bypass" });
    return this.counted(out);
  }

  private async embed(r: CacheRequest, s: CacheSettings, text: string): Promise<Float32Array | undefined> {
    try {
      return unitVector(await embedText(r.gen, s.semantic, text, r.headers));
    } catch (err) {
      this.failed("embed", err);
      return undefined;
    }
  }

  private async nearest(
    tenantId: string,
    bucket: string,
    vec: Float32Array,
    threshold: number,
  ): Promise<CacheEntry | undefined> {
    try {
      const near = await withDeadline(
        this.semantic.nearest(tenantId, bucket, vec, threshold),
        LOOKUP_DEADLINE_MS,
        "semantic lookup",
      );
      return near ? await this.exact.get(tenantId, near.key) : undefined;
    } catch (err) {
      this.failed("lookup", err);
      return undefined;
    }
  }

  /**
   * Stores a lookup's captured answer once the request succeeded (status 200, answer complete);
   * an error, a partial stream or an oversized answer is never stored. Never rejects.
   */
  async store(
    l: CacheLookup,
    r: CacheRequest,
    done: { status: number; target?: Target; upstreamModel?: string; usage?: Usage },
  ): Promise<void> {
    const answer = l.capture?.text();
    if (!answer || !l.key || done.status !== 200 || !done.target || !done.usage) return;
    const s = this.o.settings();
    if (Buffer.byteLength(answer) > s.maxEntryBytes) return;
    const upstreamModel = done.upstreamModel ?? "";
    const u = done.usage;
    const cost = done.target.actualCost(
      upstreamModel,
      u.prompt_tokens,
      u.completion_tokens,
      cacheTokensOf(u),
    );
    const entry: CacheEntry = {
      answer,
      target: done.target.name,
      upstreamModel,
      usage: u,
      costUsd: Number.isFinite(cost) ? cost : 0,
      storedAt: this.o.now(),
    };
    try {
      await this.exact.put(r.tenantId, l.key, entry, l.ttlMs ?? s.ttl, {
        maxEntries: s.maxEntries,
        maxTtlMs: s.maxTtl,
      });
      if (l.bucket) {
        const text = lastUserText(r.body);
        const vec = l.vec ?? (text !== undefined && !l.embedTried ? await this.embed(r, s, text) : undefined);
        if (vec) await this.semantic.add(r.tenantId, l.bucket, vec, l.key);
      }
    } catch (err) {
      this.failed("store", err);
    }
  }

  /** What a hit on `entry` is charged and what it saved (`hitCostFraction` of the stored cost). */
  hitCost(entry: CacheEntry): { costUsd: number; savedUsd: number } {
    const costUsd = entry.costUsd * this.o.settings().hitCostFraction;
    return { costUsd, savedUsd: entry.costUsd - costUsd };
  }

  async close(): Promise<void> {
    await this.semantic.close();
  }
}
