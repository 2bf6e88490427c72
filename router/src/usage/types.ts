/** One finished (or failed) request, as the ledger stores it. */
export interface UsageRecord {
  timestamp: number;
  requestId: string;
  tenantId: string;
  keyId: string;
  target: string;
  /** Model the client asked for, and the one sent upstream. */
  model: string;
  upstreamModel: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  latencyMs: number;
  status: number;
  stream: boolean;
}

/** Where the router writes usage; the ledger implements it. */
export interface UsageSink {
  record(rec: UsageRecord): void | Promise<void>;
}
