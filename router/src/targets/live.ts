/** What the background poller last learnt about a cluster target. Never filled on the request path. */
export interface ClusterLive {
  /** When the last poll finished (ms epoch); undefined before the first. */
  polledAt?: number;
  /** The runtime answered /health. */
  reachable?: boolean;
  /** The runtime reported a loaded model and accepts work. */
  ready?: boolean;
  queueDepth?: number;
  /** Sequences the runtime runs at once (its `/health` `slots.total`; a pool: the sum). */
  slots?: number;
  /**
   * Capacity throughput (tokens/s the pool produces when busy, at its slot count): the runtime's
   * `llm_runtime_capacity_tokens_per_second`; what the amortized $/1K divides by.
   */
  tokensPerSecond?: number;
  /**
   * `runtime`: tokensPerSecond is the runtime's capacity gauge. `peak`: a runtime without that
   * gauge; tokensPerSecond is the highest rate it was seen serving, a lower bound on capacity, so
   * pricing takes the larger of it and the prior.
   */
  capacitySource?: "runtime" | "peak";
  /** Per-sequence decode rate while generating (`llm_runtime_decode_tokens_per_second`). */
  decodeTokensPerSecond?: number;
  /** Tokens the pool served per second over the last poll interval, idle time included (0 when idle). */
  servedTokensPerSecond?: number;
  backend?: string;
  /**
   * What the runtime says its model serves (`capabilities` of its /health, from its chat template);
   * once polled it replaces the declared set (Target.capabilities). Undefined before a successful poll.
   */
  capabilities?: string[];
  /** From the exporter: USD per 1K tokens and ready replicas of this pool. */
  exporterCostPer1K?: number;
  readyReplicas?: number;
  /** Why the last poll failed (no secrets: a code or status). */
  lastError?: string;
  /** Previous completion-token counter reading, to derive a rate when no gauge exists. */
  completionCounter?: { value: number; at: number };
}
