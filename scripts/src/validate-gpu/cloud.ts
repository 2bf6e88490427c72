import type { CloudName } from "@llm/contracts";

export type GpuCloud = Exclude<CloudName, "local">;

/** A node taint as kubectl prints it in `spec.taints`. */
export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/**
 * What each cloud's GPU pool must look like (kept equal to infra/common's pool defaults): the NVIDIA
 * taint (EKS uses the value `true`, GKE and AKS `present`), plus the taint AKS puts on every Spot pool.
 */
export function expectedTaints(cloud: GpuCloud): Taint[] {
  const nvidia: Taint = {
    key: "nvidia.com/gpu",
    value: cloud === "aws" ? "true" : "present",
    effect: "NoSchedule",
  };
  if (cloud === "azure")
    return [nvidia, { key: "kubernetes.azure.com/scalesetpriority", value: "spot", effect: "NoSchedule" }];
  return [nvidia];
}

/** Tolerations of the smoke pod: every taint a GPU pool of any cloud may carry. */
export const smokeTolerations = [
  { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
  { key: "kubernetes.azure.com/scalesetpriority", operator: "Equal", value: "spot", effect: "NoSchedule" },
  { key: "cloud.google.com/gke-spot", operator: "Equal", value: "true", effect: "NoSchedule" },
];

/** Where the NVIDIA device plugin DaemonSet lives: our platform chart's release, or GKE's managed one. */
export function devicePluginNamespace(cloud: GpuCloud): string {
  return cloud === "gcp" ? "kube-system" : "nvidia-device-plugin";
}

/** Node label each managed node pool carries, with the pool's name as value. */
export const cloudPoolLabel: Record<GpuCloud, string> = {
  aws: "eks.amazonaws.com/nodegroup",
  gcp: "cloud.google.com/gke-nodepool",
  azure: "kubernetes.azure.com/agentpool",
};

/** Guesses the cloud from any node's labels. */
export function detectCloud(labels: Array<Record<string, string>>): GpuCloud | undefined {
  for (const l of labels) {
    if ("eks.amazonaws.com/nodegroup" in l || l["node.kubernetes.io/instance-type"]?.includes("."))
      return "aws";
    if ("cloud.google.com/gke-nodepool" in l) return "gcp";
    if ("kubernetes.azure.com/agentpool" in l) return "azure";
  }
  return undefined;
}
