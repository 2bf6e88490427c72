import type { RequestRecord } from "../load/runner.js";

/** Column order of results.csv (one row per request). */
export const CSV_COLUMNS = [
  "target",
  "index",
  "prompt_id",
  "ok",
  "http_status",
  "error_code",
  "start_ms",
  "ttft_ms",
  "latency_ms",
  "prompt_tokens",
  "completion_tokens",
  "tokens_per_second",
  "cost_usd",
  "served_by",
] as const;

/** RFC 4180 quoting: fields with commas, quotes or newlines are quoted, quotes doubled. */
export function csvField(v: string | number | boolean): string {
  const s = typeof v === "number" ? (Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : "") : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(records: readonly RequestRecord[]): string {
  const rows = records.map((r) =>
    [
      r.target,
      r.index,
      r.promptId,
      r.ok,
      r.httpStatus,
      r.errorCode,
      r.startMs,
      r.ttftMs,
      r.latencyMs,
      r.promptTokens,
      r.completionTokens,
      r.tokensPerSecond,
      r.costUsd,
      r.servedBy,
    ]
      .map(csvField)
      .join(","),
  );
  return [CSV_COLUMNS.join(","), ...rows].join("\n") + "\n";
}
