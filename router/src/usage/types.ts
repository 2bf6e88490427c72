/**
 * What the router's own response cache did for a request (router/README.md § Response cache):
 * `hit` served from the exact cache, `semantic-hit` from a near-identical request's answer,
 * `miss` looked up (or stored) without a hit, `bypass` not cacheable, not asked to, or the store down.
 */
export type CacheResult = "hit" | "semantic-hit" | "miss" | "bypass";

/**
 * One finished (or failed) request, as the ledger stores it: the one definition of the usage
 * record (router/README.md § Usage record). Fields marked "optional" are filled by the parts of
 * the router that know them; absent means "not known for this request", never 0.
 */
export interface UsageRecord {
  timestamp: number;
  requestId: string;
  /** Endpoint the client called: `chat`, `completions`, `embeddings` (routing's EndpointKind), `messages`. Optional. */
  endpoint?: string;
  tenantId: string;
  keyId: string;
  target: string;
  /** Model the client asked for, and the one sent upstream. */
  model: string;
  upstreamModel: string;
  /** All prompt tokens, cache reads and writes included (OpenAI's `prompt_tokens`). */
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the provider served from its prompt cache (a part of promptTokens). Optional. */
  cacheReadTokens?: number;
  /** Prompt tokens written to the provider's prompt cache (Anthropic's cache_creation). Optional. */
  cacheWriteTokens?: number;
  /**
   * What the request is charged: externals at their price (cache tokens at their own rates),
   * clusters at the amortized $/1K at capacity, so cluster use is never free to a tenant.
   */
  costUsd: number;
  /** What the request added to the bill: ~0 on an always-on pool with a free slot. Optional. */
  marginalUsd?: number;
  /**
   * The all-external reference price of the request (`referenceCostUsd` of @llm/contracts, the
   * cheapest external for its token mix) minus costUsd; negative when it cost more. Optional.
   */
  savedUsd?: number;
  /** What the router's response cache did (`x-router-cache`). Optional. */
  cacheResult?: CacheResult;
  /**
   * On a cache hit: what producing the stored answer cost minus what the hit was charged
   * (`llm_router_cache_saved_usd_total`). Optional.
   */
  cacheSavedUsd?: number;
  /**
   * Experiment and arm of the candidate that answered (policies/route.ts); experiment reports and
   * metrics are computed from it (policies/experiment-stats.ts). Optional: absent outside experiments.
   */
  experiment?: { id: string; arm: string };
  latencyMs: number;
  /** Time to the first streamed token (or the whole answer when not streamed). Optional. */
  timeToFirstTokenMs?: number;
  status: number;
  stream: boolean;
}

/** Where the router writes usage; the ledger implements it. */
export interface UsageSink {
  record(rec: UsageRecord): void | Promise<void>;
}
