/** What the background poller last learnt about a cluster target. Never filled on the request path. */
export interface ClusterLive {
  /** When the last poll finished (ms epoch); undefined before the first. */
  polledAt?: number;
  /** The runtime answered /health. */
  reachable?: boolean;
  /** The runtime reported a loaded model and accepts work. */
  ready?: boolean;
  queueDepth?: number;
  /** Last non-zero measured decode throughput (tokens/s). */
  tokensPerSecond?: number;
  backend?: string;
  /** From the exporter: USD per 1K tokens and ready replicas of this pool. */
  exporterCostPer1K?: number;
  readyReplicas?: number;
  /** Why the last poll failed (no secrets: a code or status). */
  lastError?: string;
  /** Previous completion-token counter reading, to derive a rate when no gauge exists. */
  completionCounter?: { value: number; at: number };
}
