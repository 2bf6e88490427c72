import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "../iam/policies.js";

export interface EksClusterArgs {
  /** Cluster name (fixed, not auto-named: autoscaler tags and IAM conditions embed it). */
  clusterName: string;
  /** Kubernetes minor version, e.g. `1.34`. */
  version: string;
  /** Private subnets for the control plane's network interfaces. */
  subnetIds: pulumi.Input<string[]>;
  /** Whether the API endpoint is public (it is always reachable privately). */
  endpointPublicAccess: boolean;
  /** CIDRs allowed to reach the public endpoint. */
  publicAccessCidrs: string[];
  /** IAM principals granted cluster-admin via access entries. */
  adminPrincipalArns: string[];
  /** Tags for every resource. */
  tags: Record<string, string>;
}

/**
 * EKS control plane with access entries (authenticationMode API, no aws-auth ConfigMap) and
 * an IAM OIDC provider so pods can assume IAM roles through their service accounts (IRSA).
 */
export class EksCluster extends pulumi.ComponentResource {
  readonly cluster: aws.eks.Cluster;
  readonly oidcProvider: aws.iam.OpenIdConnectProvider;
  /** Issuer URL of the cluster's service-account tokens. */
  readonly oidcIssuerUrl: pulumi.Output<string>;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:aws:EksCluster", name, {}, opts);
    const parent = { parent: this };
    const role = new aws.iam.Role(
      `${name}-cluster`,
      { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("eks.amazonaws.com")), tags: args.tags },
      parent,
    );
    const attachment = new aws.iam.RolePolicyAttachment(
      `${name}-cluster`,
      { role: role.name, policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy" },
      parent,
    );

    this.cluster = new aws.eks.Cluster(
      name,
      {
        name: args.clusterName,
        version: args.version,
        roleArn: role.arn,
        vpcConfig: {
          subnetIds: args.subnetIds,
          endpointPrivateAccess: true,
          endpointPublicAccess: args.endpointPublicAccess,
          publicAccessCidrs: args.endpointPublicAccess ? args.publicAccessCidrs : undefined,
        },
        accessConfig: {
          authenticationMode: "API",
          // The identity running `pulumi up` must be admin to install the platform charts.
          bootstrapClusterCreatorAdminPermissions: true,
        },
        tags: args.tags,
      },
      { parent: this, dependsOn: [attachment] },
    );

    this.oidcIssuerUrl = this.cluster.identities.apply((ids) => ids?.[0]?.oidcs?.[0]?.issuer ?? "");
    this.oidcProvider = new aws.iam.OpenIdConnectProvider(
      `${name}-oidc`,
      { url: this.oidcIssuerUrl, clientIdLists: ["sts.amazonaws.com"], tags: args.tags },
      parent,
    );

    args.adminPrincipalArns.forEach((arn, i) => {
      const entry = new aws.eks.AccessEntry(
        `${name}-admin-${i}`,
        { clusterName: this.cluster.name, principalArn: arn, type: "STANDARD", tags: args.tags },
        parent,
      );
      new aws.eks.AccessPolicyAssociation(
        `${name}-admin-${i}`,
        {
          clusterName: this.cluster.name,
          principalArn: arn,
          policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
          accessScope: { type: "cluster" },
        },
        { parent: this, dependsOn: [entry] },
      );
    });

    this.registerOutputs({ clusterName: this.cluster.name, oidcIssuerUrl: this.oidcIssuerUrl });
  }
}
