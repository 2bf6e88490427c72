/**
 * Facts about Argo CD Applications that a schema cannot check: how long its sync retries
 * last, and its sync wave. Shared by validateManifests, the chart/cluster tests and validate-deploy.
 */

/** Argo CD's least retry budget for an automated Application: CRDs from earlier waves (kube-prometheus-stack, KEDA, cert-manager) can take this long to install on a fresh cluster. */
export const MIN_RETRY_BUDGET_SECONDS = 30 * 60;

/**
 * Seconds of a backoff duration as Argo CD parses it (`10s`, `5m`, `1h`, `1m30s`, or a bare
 * number of seconds: argo-cd RetryStrategy.NextRetryAt / parseStringToDuration); NaN when unparsable.
 */
export function durationSeconds(text: unknown): number {
  if (typeof text === "number") return text;
  if (typeof text === "string" && /^\d+$/.test(text)) return Number(text);
  if (typeof text !== "string" || !/^(\d+(\.\d+)?(h|m|s))+$/.test(text)) return Number.NaN;
  const unit = { h: 3600, m: 60, s: 1 } as const;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g))
    total += Number(m[1]) * unit[m[2] as keyof typeof unit];
  return total;
}

interface RetrySpec {
  limit?: number;
  backoff?: { duration?: unknown; factor?: unknown; maxDuration?: unknown };
}

/**
 * Total wait across all retries of an Application's `syncPolicy.retry`: retry n waits
 * min(duration x factor^(n-1), maxDuration) (argo-cd RetryStrategy.NextRetryAt). Argo CD's
 * defaults (DefaultSyncRetryDuration 5s, factor 2, DefaultSyncRetryMaxDuration 3m) apply to
 * missing fields; no retry block means no retries (0 s).
 */
export function retryBudgetSeconds(app: unknown): number {
  const retry = (app as { spec?: { syncPolicy?: { retry?: RetrySpec } } })?.spec?.syncPolicy?.retry;
  if (!retry) return 0;
  const limit = typeof retry.limit === "number" ? retry.limit : 0;
  const duration = retry.backoff?.duration === undefined ? 5 : durationSeconds(retry.backoff.duration);
  const factor = retry.backoff?.factor === undefined ? 2 : Number(retry.backoff.factor);
  const max = retry.backoff?.maxDuration === undefined ? 180 : durationSeconds(retry.backoff.maxDuration);
  let total = 0;
  for (let n = 0; n < limit; n++) total += Math.min(duration * factor ** n, max);
  return total;
}

/** The `argocd.argoproj.io/sync-wave` of an object (0 when unset, as Argo CD reads it). */
export function syncWave(obj: unknown): number {
  const wave = (obj as { metadata?: { annotations?: Record<string, string> } })?.metadata?.annotations?.[
    "argocd.argoproj.io/sync-wave"
  ];
  return wave === undefined ? 0 : Number.parseInt(wave, 10);
}

/** Sync options of an Application (`spec.syncPolicy.syncOptions`). */
export function syncOptions(app: unknown): string[] {
  return (app as { spec?: { syncPolicy?: { syncOptions?: string[] } } })?.spec?.syncPolicy?.syncOptions ?? [];
}
