import { type NodePoolSpec, toUpperCaseEffectTaint } from "@llm/infra-common";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "../iam/policies.js";
import { scaleFromZeroTags } from "./autoscaler-tags.js";

export interface NodeGroupsArgs {
  /** EKS cluster the groups join. */
  cluster: aws.eks.Cluster;
  /** Cluster name (static), for the autoscaler tags. */
  clusterName: string;
  /** Private subnets; nodes never sit in public subnets. */
  privateSubnetIds: pulumi.Input<string[]>;
  /** The on-demand CPU pool. */
  cpu: NodePoolSpec;
  /** The spot GPU pool; omitted for a CPU-only cluster. */
  gpu?: NodePoolSpec;
  /** Tags for every resource. */
  tags: Record<string, string>;
}

/** AMI family per pool: AL2023 standard for CPU, AL2023 NVIDIA (driver + container toolkit baked in) for GPU. */
export const AMI_TYPES = { cpu: "AL2023_x86_64_STANDARD", gpu: "AL2023_x86_64_NVIDIA" } as const;

/**
 * The two EKS managed node groups. The GPU group is SPOT with min 0 / desired 0, tainted and
 * labelled, and its Auto Scaling group carries the node-template tags cluster-autoscaler needs
 * to scale it up from zero.
 */
export class NodeGroups extends pulumi.ComponentResource {
  readonly nodeRole: aws.iam.Role;
  readonly cpu: aws.eks.NodeGroup;
  readonly gpu?: aws.eks.NodeGroup;
  /** Tags put on the GPU group's ASG, by key. */
  readonly gpuAsgTags: aws.autoscaling.Tag[] = [];

  constructor(name: string, args: NodeGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:aws:NodeGroups", name, {}, opts);
    const parent = { parent: this };
    this.nodeRole = new aws.iam.Role(
      `${name}-node`,
      { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")), tags: args.tags },
      parent,
    );
    const attachments = [
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    ].map(
      (policyArn) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-node-${policyArn.split("/").pop()}`,
          { role: this.nodeRole.name, policyArn },
          parent,
        ),
    );

    const group = (spec: NodePoolSpec) =>
      new aws.eks.NodeGroup(
        `${name}-${spec.role}`,
        {
          clusterName: args.cluster.name,
          nodeGroupNamePrefix: `${spec.role}-`,
          nodeRoleArn: this.nodeRole.arn,
          subnetIds: args.privateSubnetIds,
          capacityType: spec.spot ? "SPOT" : "ON_DEMAND",
          instanceTypes: spec.instanceTypes,
          amiType: AMI_TYPES[spec.role],
          diskSize: spec.diskSizeGb,
          scalingConfig: { minSize: spec.minNodes, desiredSize: spec.desiredNodes, maxSize: spec.maxNodes },
          labels: spec.labels,
          taints: spec.taints.map(toUpperCaseEffectTaint),
          updateConfig: { maxUnavailable: 1 },
          tags: { ...args.tags, pool: spec.role },
        },
        {
          parent: this,
          dependsOn: attachments,
          // cluster-autoscaler owns the desired size after creation; Pulumi must not reset it.
          ignoreChanges: ["scalingConfig.desiredSize"],
        },
      );

    this.cpu = group(args.cpu);
    if (args.gpu) {
      const gpuSpec = args.gpu;
      this.gpu = group(gpuSpec);
      const asgName = this.gpu.resources.apply((r) => r?.[0]?.autoscalingGroups?.[0]?.name ?? "");
      for (const [key, value] of Object.entries(scaleFromZeroTags(args.clusterName, gpuSpec))) {
        this.gpuAsgTags.push(
          new aws.autoscaling.Tag(
            `${name}-gpu-asg-${key.replace(/^k8s\.io\/cluster-autoscaler\//, "").replace(/[^a-zA-Z0-9-]/g, "-")}`,
            { autoscalingGroupName: asgName, tag: { key, value, propagateAtLaunch: true } },
            parent,
          ),
        );
      }
    }
    this.registerOutputs({ cpuNodeGroup: this.cpu.nodeGroupName, gpuNodeGroup: this.gpu?.nodeGroupName });
  }
}
