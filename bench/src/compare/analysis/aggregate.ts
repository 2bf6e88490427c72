import { type Distribution, distribution, percentile } from "../../stats/distribution.js";
import type { RequestRecord } from "../load/runner.js";

/** Per-target aggregates: the body of summary.json (before scoring). */
export interface TargetSummary {
  target: string;
  type: "mock" | "http";
  model: string;
  requests: number;
  successes: number;
  failures: number;
  /** successes / requests. */
  successRate: number;
  /** End-to-end latency of successful requests (ms). */
  latencyMs: Distribution;
  /** Time to first token of successful requests (ms). */
  ttftMs: Distribution;
  /** Median per-request decode rate and aggregate completion tokens per second of wall time. */
  tokensPerSecond: { median: number | null; aggregate: number | null };
  promptTokens: number;
  completionTokens: number;
  /** Total USD of successful requests; null when the target has no price. */
  costUsd: number | null;
  /** USD per 1K tokens (prompt + completion) = costUsd / totalTokens * 1000; null when unpriced. */
  costPer1kTokens: number | null;
  /** From the first request's start to the last one's end (ms). */
  wallMs: number;
  /** Failure count by error code. */
  errors: Record<string, number>;
}

/** Aggregates one target's request records. */
export function summarise(
  records: readonly RequestRecord[],
  meta: { target: string; type: "mock" | "http"; model: string; priced: boolean },
): TargetSummary {
  const ok = records.filter((r) => r.ok);
  const promptTokens = ok.reduce((n, r) => n + r.promptTokens, 0);
  const completionTokens = ok.reduce((n, r) => n + r.completionTokens, 0);
  const totalTokens = promptTokens + completionTokens;
  const costUsd = meta.priced ? ok.reduce((n, r) => n + r.costUsd, 0) : null;
  const wallMs = records.length
    ? Math.max(...records.map((r) => r.startMs + r.latencyMs)) - Math.min(...records.map((r) => r.startMs))
    : 0;
  const errors: Record<string, number> = {};
  for (const r of records)
    if (!r.ok) errors[r.errorCode || "unknown"] = (errors[r.errorCode || "unknown"] ?? 0) + 1;
  return {
    target: meta.target,
    type: meta.type,
    model: meta.model,
    requests: records.length,
    successes: ok.length,
    failures: records.length - ok.length,
    successRate: records.length ? ok.length / records.length : 0,
    latencyMs: distribution(ok.map((r) => r.latencyMs)),
    ttftMs: distribution(ok.map((r) => r.ttftMs)),
    tokensPerSecond: {
      median: percentile(
        ok.map((r) => r.tokensPerSecond),
        0.5,
      ),
      aggregate: wallMs > 0 && ok.length ? (completionTokens * 1000) / wallMs : null,
    },
    promptTokens,
    completionTokens,
    costUsd,
    costPer1kTokens: costUsd !== null && totalTokens > 0 ? (costUsd / totalTokens) * 1000 : null,
    wallMs,
    errors,
  };
}
