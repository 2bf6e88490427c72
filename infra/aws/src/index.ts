import {
  type CloudStackBase,
  clusterNameFor,
  commonTags,
  deployClusterSoftware,
  HmacSecret,
  resolveClusterPools,
  stackExports,
} from "@llm/infra-common";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "./cluster/eks-cluster.js";
import { eksKubeconfig } from "./cluster/kubeconfig.js";
import { type AwsConfig, loadAwsConfig } from "./config.js";
import { ClusterAutoscalerRole } from "./iam/cluster-autoscaler-role.js";
import { Vpc } from "./network/vpc.js";
import { NodeGroups } from "./pools/node-groups.js";
import { EcrRepositories } from "./registry/ecr.js";

export { awsConfig, loadAwsConfig } from "./config.js";
export { clusterAutoscalerPolicy } from "./iam/policies.js";
export { subnetCidrs } from "./network/cidrs.js";
export { scaleFromZeroTags } from "./pools/autoscaler-tags.js";

/** Everything the AWS program created, for tests and for callers that compose further. */
export interface AwsStack extends CloudStackBase {
  config: AwsConfig;
  vpc: Vpc;
  eks: EksCluster;
  nodeGroups: NodeGroups;
  autoscalerRole: ClusterAutoscalerRole;
  ecr: EcrRepositories;
}

/**
 * The AWS cloud program: VPC (private node subnets, public LB subnets, NAT), EKS with access
 * entries and IRSA, an on-demand CPU node group and a spot g4dn GPU node group that scales from
 * zero, cluster-autoscaler's IAM role, ECR, then the platform and apps through Helm.
 */
export function deployAws(config: AwsConfig = loadAwsConfig()): AwsStack {
  const stack = pulumi.getStack();
  const clusterName = clusterNameFor(stack);
  const tags = commonTags({ cloud: "aws", stack, environment: config.environment });
  const pools = resolveClusterPools("aws", config);
  const azs =
    config.availabilityZones ??
    ["a", "b", "c", "d"].slice(0, config.azCount).map((s) => `${config.region}${s}`);

  const vpc = new Vpc("llm", {
    clusterName,
    cidr: config.vpcCidr,
    availabilityZones: azs,
    natGateways: config.natGateways,
    tags,
  });
  const eks = new EksCluster("llm", {
    clusterName,
    version: config.kubernetesVersion,
    subnetIds: vpc.privateSubnetIds,
    endpointPublicAccess: config.endpointPublicAccess,
    publicAccessCidrs: config.publicAccessCidrs,
    adminPrincipalArns: config.adminPrincipalArns,
    tags,
  });
  const nodeGroups = new NodeGroups("llm", {
    cluster: eks.cluster,
    clusterName,
    privateSubnetIds: vpc.privateSubnetIds,
    cpu: pools.specs.cpu,
    gpu: pools.specs.gpu,
    tags,
  });
  const autoscalerRole = new ClusterAutoscalerRole("llm-cluster-autoscaler", {
    clusterName,
    oidcProviderArn: eks.oidcProvider.arn,
    oidcIssuerUrl: eks.oidcIssuerUrl,
    tags,
  });
  const ecr = new EcrRepositories("llm", { names: config.ecrRepositories, tags });

  const kubeconfig = pulumi.secret(
    pulumi
      .all([eks.cluster.endpoint, eks.cluster.certificateAuthority])
      .apply(([endpoint, ca]) =>
        eksKubeconfig({ clusterName, endpoint, caData: ca?.data ?? "", region: config.region }),
      ),
  );
  const hmac = config.authMode === "hmac" ? new HmacSecret("llm-hmac") : undefined;

  const { platform, apps } = deployClusterSoftware({
    cloud: "aws",
    clusterName,
    region: config.region,
    kubeconfig,
    readyWhen: nodeGroups.cpu,
    config,
    hmacSecret: hmac?.value,
    clusterAutoscalerRoleArn: autoscalerRole.role.arn,
  });

  const outputs = stackExports({
    cloud: "aws",
    region: config.region,
    clusterName: eks.cluster.name,
    kubeconfig,
    authMode: config.authMode,
    hmacSecret: hmac?.value,
    pools: pools.outputs,
    exporterEndpoint: config.exporterEndpoint,
  });
  const extraOutputs = {
    clusterAutoscalerRoleArn: autoscalerRole.role.arn,
    registryUrls: pulumi.output(
      Object.fromEntries(config.ecrRepositories.map((n, i) => [n, ecr.repositories[i]!.repositoryUrl])),
    ),
  };
  return { config, vpc, eks, nodeGroups, autoscalerRole, ecr, platform, apps, outputs, extraOutputs };
}
