/** What the exporter needs to know about one node, read from its labels and status. */
export interface NodeInfo {
  name: string;
  /** `node.kubernetes.io/instance-type` (or the beta label); `unknown` when neither is set. */
  instanceType: string;
  capacityType: CapacityType;
  /** `topology.kubernetes.io/zone`, or `unknown`. */
  zone: string;
  /** `status.allocatable["nvidia.com/gpu"]`, 0 when absent (CPU node, or device plugin not up yet). */
  gpus: number;
  /** GKE accelerator type (`cloud.google.com/gke-accelerator`), priced on top of the machine. */
  accelerator?: string;
  /** The Ready condition is True. */
  ready: boolean;
}

export type CapacityType = "spot" | "on-demand";

/** The parts of a Kubernetes Node object we read (the rest is ignored). */
export interface KubeNode {
  metadata?: { name?: string; labels?: Record<string, string> };
  status?: {
    allocatable?: Record<string, string>;
    conditions?: Array<{ type?: string; status?: string }>;
  };
}

/**
 * Spot/preemptible markers per cloud. Any one of them makes the node spot; everything else is on-demand
 * (managed pools label on-demand nodes too, but absence is the safe default: on-demand is the dearer price).
 */
const spotMarkers: Array<[label: string, values: string[]]> = [
  ["eks.amazonaws.com/capacityType", ["SPOT"]],
  ["karpenter.sh/capacity-type", ["spot"]],
  ["cloud.google.com/gke-spot", ["true"]],
  ["cloud.google.com/gke-preemptible", ["true"]],
  ["kubernetes.azure.com/scalesetpriority", ["spot"]],
];

/** Reads spot vs on-demand from a node's labels. */
export function capacityTypeOf(labels: Record<string, string>): CapacityType {
  for (const [label, values] of spotMarkers) {
    const v = labels[label];
    if (v !== undefined && values.includes(v)) return "spot";
  }
  return "on-demand";
}

/** Parses a Kubernetes quantity that counts devices ("1", "2"); anything else counts as 0. */
function deviceCount(q: string | undefined): number {
  if (q === undefined) return 0;
  const n = Number(q);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/** Turns a Node object into NodeInfo. */
export function nodeInfo(node: KubeNode): NodeInfo {
  const labels = node.metadata?.labels ?? {};
  const ready = (node.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
  const accelerator = labels["cloud.google.com/gke-accelerator"];
  return {
    name: node.metadata?.name ?? "unknown",
    instanceType:
      labels["node.kubernetes.io/instance-type"] ?? labels["beta.kubernetes.io/instance-type"] ?? "unknown",
    capacityType: capacityTypeOf(labels),
    zone:
      labels["topology.kubernetes.io/zone"] ?? labels["failure-domain.beta.kubernetes.io/zone"] ?? "unknown",
    gpus: deviceCount(node.status?.allocatable?.["nvidia.com/gpu"]),
    ...(accelerator ? { accelerator } : {}),
    ready,
  };
}
