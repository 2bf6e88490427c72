import * as pulumi from "@pulumi/pulumi";
import type { ClusterCloud } from "../naming/naming.js";
import { clusterAutoscalerImageTag } from "./charts.js";
import type { Values } from "./platform-values.js";

/** What only the stack knows about the platform: names, ARNs and addresses it created. */
export interface PlatformStackArgs {
  cloud: ClusterCloud;
  /** Cluster name (cluster-autoscaler auto-discovery on EKS). */
  clusterName: pulumi.Input<string>;
  /** Cloud region (cluster-autoscaler's AWS region). */
  region: pulumi.Input<string>;
  /** Let's Encrypt account email for the ClusterIssuer. */
  acmeEmail: string;
  /** EKS only: cluster-autoscaler's IRSA role and the control plane's Kubernetes minor. */
  clusterAutoscaler?: { roleArn: pulumi.Input<string>; kubernetesVersion: string };
  /**
   * ingress-nginx `controller.service` values that bind the controller's load balancer to the
   * address the stack reserved (loadBalancerIP or cloud annotations). Defaults to none.
   */
  ingressService?: pulumi.Input<Values>;
}

/**
 * The stack-specific values of the platform chart (`charts/platform`): ClusterIssuer email,
 * cluster-autoscaler's cluster name, region, IRSA role and image tag, and the ingress load
 * balancer's reserved address. Helm mode merges `components.<c>.values` over the chart files
 * when it installs each component; Argo CD mode hands the whole object to the `platform`
 * Application as `valuesObject` (see rootAppPatches). One function, so both modes agree.
 */
export function platformStackValues(args: PlatformStackArgs): pulumi.Output<Values> {
  const components: Record<string, pulumi.Input<Values>> = {};
  if (args.ingressService)
    components.ingressNginx = pulumi
      .output(args.ingressService)
      .apply((service) => ({ values: { controller: { service } } }));
  if (args.cloud === "aws") {
    if (!args.clusterAutoscaler)
      throw new Error("clusterAutoscaler (role ARN, Kubernetes version) is required on AWS");
    const tag = clusterAutoscalerImageTag(args.clusterAutoscaler.kubernetesVersion);
    components.clusterAutoscaler = pulumi
      .all([args.clusterName, args.region, args.clusterAutoscaler.roleArn])
      .apply(([clusterName, awsRegion, roleArn]) => ({
        enabled: true,
        values: {
          cloudProvider: "aws",
          awsRegion,
          autoDiscovery: { clusterName },
          image: { tag },
          rbac: {
            serviceAccount: {
              create: true,
              name: "cluster-autoscaler",
              annotations: { "eks.amazonaws.com/role-arn": roleArn },
            },
          },
        },
      }));
    // EKS has no metrics-server of its own (GKE and AKS do); HPAs need it for CPU.
    components.metricsServer = { enabled: true };
  }
  return pulumi
    .output({ cloud: args.cloud, clusterIssuer: { email: args.acmeEmail }, components })
    .apply((v) => v as Values);
}
