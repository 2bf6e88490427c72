import type { NodePoolSpec } from "@llm/infra-common";

/**
 * Auto Scaling group tags cluster-autoscaler reads to build a node template for a group with
 * zero nodes: without them it cannot know that a new node would carry the GPU, the labels and
 * the taint a pending GPU pod needs, and never scales the group up from 0.
 * EKS managed node groups do not copy node-group labels/taints onto their ASG, hence these.
 */
export function scaleFromZeroTags(clusterName: string, spec: NodePoolSpec): Record<string, string> {
  const prefix = "k8s.io/cluster-autoscaler";
  const tags: Record<string, string> = {
    [`${prefix}/enabled`]: "true",
    [`${prefix}/${clusterName}`]: "owned",
  };
  for (const [k, v] of Object.entries(spec.labels)) tags[`${prefix}/node-template/label/${k}`] = v;
  tags[`${prefix}/node-template/label/eks.amazonaws.com/capacityType`] = spec.spot ? "SPOT" : "ON_DEMAND";
  for (const t of spec.taints) tags[`${prefix}/node-template/taint/${t.key}`] = `${t.value}:${t.effect}`;
  if (spec.role === "gpu") tags[`${prefix}/node-template/resources/nvidia.com/gpu`] = "1";
  return tags;
}
