import { z } from "zod";
import { durationSchema as duration } from "./duration.js";

/**
 * `router.cache`: the router's response cache (router/README.md § Response cache). An exact cache
 * keyed by tenant, endpoint, model and every answer-changing field, and an opt-in semantic cache
 * (nearest neighbour of the last user message's embedding). Entries live in the state store's
 * key/value API: one replica's memory, or the Redis every replica shares.
 */

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-'");

export const semanticCacheSection = z
  .object({
    /** Look up near-identical requests when the exact cache misses. Defaults to false. */
    enabled: z.boolean().default(false),
    /**
     * Target whose `/v1/embeddings` embeds the last user message (a cluster runtime is cheap).
     * Defaults to the first enabled cluster target with the `embeddings` capability.
     */
    target: id.optional(),
    /** Embedding model asked of that target. Defaults to `auto` (the target's first model). */
    model: z.string().min(1).default("auto"),
    /**
     * Longest wait for the embedding; past it the request goes on as a plain miss (every miss pays
     * this wait at most). Defaults to 2s.
     */
    timeout: duration.default(2_000),
    /** Cosine similarity at or above which a stored answer is served. Defaults to 0.95. */
    threshold: z.number().gt(0).max(1).default(0.95),
    /**
     * Requested models (routes) the semantic cache applies to. Defaults to [] (every model, when
     * enabled for the whole router or the tenant).
     */
    models: z.array(z.string().min(1)).default([]),
    /**
     * Entries kept per (tenant, endpoint, model, params) bucket; the oldest is overwritten past it.
     * Search is brute force over one bucket, so this bounds a lookup's work. Defaults to 256.
     */
    maxBucketEntries: z.number().int().positive().max(4096).default(256),
    /** How long a replica's in-process copy of a bucket is trusted before it is re-read. Defaults to 5s. */
    refreshInterval: duration.default(5_000),
  })
  .strict();
export type SemanticCacheConfig = z.infer<typeof semanticCacheSection>;

/** A tenant's own cache settings; each absent field takes the router-wide value. */
export const tenantCacheSection = z
  .object({
    /** Cache this tenant's requests even when `router.cache.enabled` is false (or exclude it). */
    enabled: z.boolean().optional(),
    /** Store only deterministic requests (false: any request of this tenant). */
    deterministicOnly: z.boolean().optional(),
    /** Use the semantic cache for this tenant. */
    semantic: z.boolean().optional(),
  })
  .strict();
export type TenantCacheConfig = z.infer<typeof tenantCacheSection>;

export const cacheSection = z
  .object({
    /** Cache answers for every tenant. Defaults to false (a tenant may still opt in). */
    enabled: z.boolean().default(false),
    /**
     * `read-write` serves hits and stores misses; `read-only` serves hits and stores nothing;
     * `write-only` stores but never serves (to warm a store or measure a would-be hit rate).
     * Defaults to read-write.
     */
    mode: z.enum(["read-write", "read-only", "write-only"]).default("read-write"),
    /**
     * Store only deterministic requests: temperature 0 or a `seed` (embeddings always are). A
     * request sending `x-router-cache-ttl` opts in regardless. Defaults to true.
     */
    deterministicOnly: z.boolean().default(true),
    /** Lifetime of an entry. Defaults to 1h. */
    ttl: duration.default(3_600_000),
    /** Longest lifetime `x-router-cache-ttl` may ask for. Defaults to 24h. */
    maxTtl: duration.default(86_400_000),
    /** Entries kept per tenant; storing past it overwrites the oldest. Defaults to 10000. */
    maxEntries: z.number().int().positive().default(10_000),
    /** Largest answer stored, bytes (larger answers are served but not cached). Defaults to 262144. */
    maxEntryBytes: z.number().int().positive().max(1_048_576).default(262_144),
    /** What a hit is charged, as a fraction of what the stored answer cost. Defaults to 0 (free). */
    hitCostFraction: z.number().min(0).max(1).default(0),
    semantic: semanticCacheSection.default(semanticCacheSection.parse({})),
    /** Per-tenant opt-in or opt-out, by tenant id. Defaults to {} (every tenant as above). */
    tenants: z.record(id, tenantCacheSection).default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.ttl > c.maxTtl) ctx.addIssue({ code: "custom", path: ["ttl"], message: "must not exceed maxTtl" });
  });
export type CacheConfig = z.infer<typeof cacheSection>;
