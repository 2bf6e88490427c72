import { type NodePoolSpec, toAksTaint } from "@llm/infra-common";
import type * as pulumi from "@pulumi/pulumi";

/**
 * The CPU pool as the cluster's System pool profile (AKS requires one System pool inline in the
 * cluster). It also runs the CPU runtime: it is on-demand and sized for it.
 */
export function systemPoolProfile(spec: NodePoolSpec, vnetSubnetID: pulumi.Input<string>) {
  return {
    name: "system",
    mode: "System",
    vmSize: spec.instanceTypes[0]!,
    count: spec.desiredNodes,
    minCount: spec.minNodes,
    maxCount: spec.maxNodes,
    enableAutoScaling: true,
    osType: "Linux",
    osSKU: "AzureLinux",
    osDiskSizeGB: spec.diskSizeGb,
    type: "VirtualMachineScaleSets",
    vnetSubnetID,
    enableNodePublicIP: false,
    nodeLabels: spec.labels,
    nodeTaints: spec.taints.map(toAksTaint),
    scaleSetPriority: "Regular",
  };
}

/**
 * Arguments of the GPU user pool (a separate AgentPool resource): Spot NC4as_T4_v3, evicted
 * nodes deleted (not deallocated, which would keep paying for disks), autoscaled from 0.
 */
export function gpuPoolArgs(spec: NodePoolSpec, spotMaxPrice: number) {
  return {
    mode: "User",
    vmSize: spec.instanceTypes[0]!,
    osType: "Linux",
    osSKU: "Ubuntu",
    osDiskSizeGB: spec.diskSizeGb,
    type: "VirtualMachineScaleSets",
    enableAutoScaling: true,
    count: spec.desiredNodes,
    minCount: spec.minNodes,
    maxCount: spec.maxNodes,
    scaleSetPriority: spec.spot ? "Spot" : "Regular",
    scaleSetEvictionPolicy: spec.spot ? "Delete" : undefined,
    spotMaxPrice: spec.spot ? spotMaxPrice : undefined,
    enableNodePublicIP: false,
    nodeLabels: spec.labels,
    nodeTaints: spec.taints.map(toAksTaint),
  };
}
