import type { TaintSpec } from "./node-pool-spec.js";

/** Effect names as the EKS and GKE APIs spell them. */
const upperEffect = {
  NoSchedule: "NO_SCHEDULE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
} as const;

/** Taint in the shape of `aws.eks.NodeGroup` taints and GKE `nodeConfig.taints` (effect `NO_SCHEDULE`). */
export function toUpperCaseEffectTaint(t: TaintSpec): { key: string; value: string; effect: string } {
  return { key: t.key, value: t.value, effect: upperEffect[t.effect] };
}

/** Taint as AKS `nodeTaints` takes it: `key=value:NoSchedule`. */
export function toAksTaint(t: TaintSpec): string {
  return `${t.key}=${t.value}:${t.effect}`;
}
