import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { clusterAutoscalerPolicy, irsaTrustPolicy } from "./policies.js";

export interface ClusterAutoscalerRoleArgs {
  /** EKS cluster name; the role may only scale groups tagged as owned by it. */
  clusterName: string;
  /** ARN of the cluster's IAM OIDC provider. */
  oidcProviderArn: pulumi.Input<string>;
  /** Issuer URL of the cluster's OIDC provider. */
  oidcIssuerUrl: pulumi.Input<string>;
  /** Namespace of the cluster-autoscaler service account. Defaults to `kube-system`. */
  namespace?: string;
  /** Name of the service account. Defaults to `cluster-autoscaler`. */
  serviceAccount?: string;
  /** Tags for the role. */
  tags: Record<string, string>;
}

/** IRSA role for cluster-autoscaler: assumable only by its service account, scoped to this cluster's groups. */
export class ClusterAutoscalerRole extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly policy: aws.iam.Policy;

  constructor(name: string, args: ClusterAutoscalerRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:aws:ClusterAutoscalerRole", name, {}, opts);
    const trust = pulumi
      .all([args.oidcProviderArn, args.oidcIssuerUrl])
      .apply(([arn, url]) =>
        JSON.stringify(
          irsaTrustPolicy(
            arn,
            url,
            args.namespace ?? "kube-system",
            args.serviceAccount ?? "cluster-autoscaler",
          ),
        ),
      );
    this.role = new aws.iam.Role(
      name,
      // A fixed name (`<cluster>-cluster-autoscaler`) so Argo CD's platform values can reference it.
      { name: `${args.clusterName}-cluster-autoscaler`, assumeRolePolicy: trust, tags: args.tags },
      { parent: this },
    );
    this.policy = new aws.iam.Policy(
      name,
      { policy: JSON.stringify(clusterAutoscalerPolicy(args.clusterName)), tags: args.tags },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(
      name,
      { role: this.role.name, policyArn: this.policy.arn },
      { parent: this },
    );
    this.registerOutputs({ roleArn: this.role.arn });
  }
}
