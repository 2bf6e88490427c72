import {
  type CloudStackBase,
  clusterNameFor,
  commonTags,
  deployClusterStack,
  IMAGE_REPOSITORIES,
  resolveClusterPools,
} from "@llm/infra-common";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "./cluster/eks-cluster.js";
import { eksKubeconfig } from "./cluster/kubeconfig.js";
import { type AwsConfig, loadAwsConfig } from "./config.js";
import { ClusterAutoscalerRole } from "./iam/cluster-autoscaler-role.js";
import { IngressAddresses } from "./network/ingress-addresses.js";
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
  ingress: IngressAddresses;
}

/**
 * The AWS cloud program: VPC (private node subnets, public LB subnets, NAT), EKS with access
 * entries and IRSA, an on-demand CPU node group and a spot g4dn GPU node group that scales from
 * zero, cluster-autoscaler's IAM role, ECR with the images pushed, Elastic IPs for the ingress
 * load balancer, then the platform and apps (Helm or Argo CD).
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
  const ingress = new IngressAddresses("llm-ingress", { availabilityZones: azs, tags });

  const kubeconfig = pulumi.secret(
    pulumi
      .all([eks.cluster.endpoint, eks.cluster.certificateAuthority])
      .apply(([endpoint, ca]) =>
        eksKubeconfig({ clusterName, endpoint, caData: ca?.data ?? "", region: config.region }),
      ),
  );

  const tail = deployClusterStack({
    cloud: "aws",
    config,
    clusterName,
    clusterNameOutput: eks.cluster.name,
    region: config.region,
    kubeconfig,
    readyWhen: nodeGroups.cpu,
    pools,
    registry: () => {
      const repo = (name: string) => {
        const i = config.ecrRepositories.indexOf(name);
        if (i < 0)
          throw new Error(
            `llm-platform:ecrRepositories: must include ${name} to push the images (or set buildImages false)`,
          );
        return ecr.repositories[i]!;
      };
      const runtime = repo(IMAGE_REPOSITORIES.runtime);
      // ECR tokens last 12 hours: fetched on every `pulumi up`, never stored.
      const token = aws.ecr.getAuthorizationTokenOutput({ registryId: runtime.registryId });
      return {
        registry: runtime.repositoryUrl.apply((u) => u.split("/")[0]!),
        repositories: {
          runtime: runtime.name,
          runtimeCuda: runtime.name,
          router: repo(IMAGE_REPOSITORIES.router).name,
          exporter: repo(IMAGE_REPOSITORIES.exporter).name,
        },
        credentials: { username: token.userName, password: token.password },
      };
    },
    ingress: { addresses: ingress.addresses, service: ingress.serviceValues },
    clusterAutoscalerRoleArn: autoscalerRole.role.arn,
  });

  const extraOutputs = {
    clusterAutoscalerRoleArn: autoscalerRole.role.arn,
    registryUrls: pulumi.output(
      Object.fromEntries(config.ecrRepositories.map((n, i) => [n, ecr.repositories[i]!.repositoryUrl])),
    ),
  };
  return { config, vpc, eks, nodeGroups, autoscalerRole, ecr, ingress, ...tail, extraOutputs };
}
