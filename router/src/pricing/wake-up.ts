/**
 * When waking a scale-to-zero pool pays (router/README.md § Cost model). One rule, used by the
 * router's pending-demand signal (scaling/demand.ts, which KEDA reads to activate the pool), and
 * meant for the deploy-path and policies code that asks the same question.
 */

/**
 * Default minutes a woken pool stays paid for after its last request: the chart's KEDA
 * `cooldownPeriod` (charts/llm-runtime/values.yaml: 900 s = 15 min before the ScaledObject goes
 * to zero replicas) plus the cluster autoscaler's scale-down delay before the empty node goes
 * (`scale-down-unneeded-time` / AKS `scaleDownUnneededTime`: 10 min, infra/azure and
 * clusters/aws/values/platform.yaml) = 25 min.
 */
export const DEFAULT_WAKE_UP_WARM_MINUTES = 15 + 10;

/** USD a wake-up costs: node $/h for the minutes the pool stays warm. */
export function wakeUpCostUsd(costPerHour: number, warmMinutes: number): number {
  return (costPerHour * warmMinutes) / 60;
}

export interface WakeUpInputs {
  /** USD per node-hour of the cold pool. */
  costPerHour: number;
  /** Minutes a wake-up keeps it paid for (`router.wakeUpWarmMinutes`). */
  warmMinutes: number;
  /** Tokens of the requests that wanted this pool recently (decayed, like pending demand). */
  waitingTokens: number;
  /** USD per 1K tokens of where those requests go instead (the next target); Infinity when nowhere. */
  alternativePer1K: number;
}

/**
 * Wake only when the volume waiting for the pool pays for the wake-up: the spend it would avoid
 * at the alternative (waiting tokens × its $/1K) is at least node $/h × warm minutes. The node
 * time of the warm window covers serving those tokens, so nothing else is added. With no
 * alternative (nothing else can serve them) any waiting request wakes the pool.
 */
export function wakeUpPays(i: WakeUpInputs): boolean {
  if (i.waitingTokens <= 0) return false;
  if (!Number.isFinite(i.alternativePer1K)) return true;
  return (i.waitingTokens / 1000) * i.alternativePer1K >= wakeUpCostUsd(i.costPerHour, i.warmMinutes);
}
