import {
  type CloudStackBase,
  clusterNameFor,
  commonTags,
  deployClusterStack,
  IMAGE_REPOSITORIES,
  resolveClusterPools,
} from "@llm/infra-common";
import * as resources from "@pulumi/azure-native/resources/index.js";
import * as pulumi from "@pulumi/pulumi";
import { AksCluster } from "./cluster/aks-cluster.js";
import { aksKubeconfig } from "./cluster/kubeconfig.js";
import { type AzureConfig, loadAzureConfig } from "./config.js";
import { IngressAddress } from "./network/ingress-address.js";
import { Vnet } from "./network/vnet.js";
import { Acr } from "./registry/acr.js";

export { NETWORK_CONTRIBUTOR_ROLE_ID } from "./cluster/aks-cluster.js";
export { azureConfig, loadAzureConfig } from "./config.js";
export { ACR_PULL_ROLE_ID } from "./registry/acr.js";

/** Everything the Azure program created. */
export interface AzureStack extends CloudStackBase {
  config: AzureConfig;
  resourceGroup: resources.ResourceGroup;
  vnet: Vnet;
  aks: AksCluster;
  acr: Acr;
  ingress: IngressAddress;
}

/**
 * The Azure cloud program: resource group, VNet, AKS (managed identity with Network Contributor
 * on its subnet, OIDC + workload identity, CNI overlay, autoscaler profile) with the CPU System
 * pool and a Spot T4 User pool that scales to zero, ACR with AcrPull for the kubelet and the
 * images pushed, a reserved ingress IP, then the platform and apps.
 */
export function deployAzure(config: AzureConfig = loadAzureConfig()): AzureStack {
  const stack = pulumi.getStack();
  const clusterName = clusterNameFor(stack);
  const tags = commonTags({ cloud: "azure", stack, environment: config.environment });
  const pools = resolveClusterPools("azure", config);

  const resourceGroup = new resources.ResourceGroup("llm", {
    resourceGroupName: `rg-${clusterName}`,
    location: config.location,
    tags,
  });
  const vnet = new Vnet("llm", {
    resourceGroupName: resourceGroup.name,
    location: config.location,
    cidr: config.vnetCidr,
    nodeSubnetCidr: config.nodeSubnetCidr,
    tags,
  });
  const aks = new AksCluster("llm", {
    clusterName,
    resourceGroupName: resourceGroup.name,
    location: config.location,
    kubernetesVersion: config.kubernetesVersion,
    nodeSubnetId: vnet.nodeSubnet.id,
    cpu: pools.specs.cpu,
    gpu: pools.specs.gpu,
    spotMaxPrice: config.spotMaxPrice,
    podCidr: config.podCidr,
    serviceCidr: config.serviceCidr,
    dnsServiceIp: config.dnsServiceIp,
    skuTier: config.skuTier,
    scaleDownUnneededTime: config.scaleDownUnneededTime,
    tags,
  });
  const acr = new Acr("llm", {
    registryName: config.acrName ?? clusterName.replace(/[^a-zA-Z0-9]/g, "").slice(0, 50),
    resourceGroupName: resourceGroup.name,
    location: config.location,
    kubeletObjectId: aks.kubeletObjectId,
    pushCredentials: config.buildImages,
    tags,
  });
  const ingress = new IngressAddress("llm-ingress", {
    nodeResourceGroup: aks.nodeResourceGroup,
    location: config.location,
    name: `${clusterName}-ingress`,
    tags,
  });

  const kubeconfig = aksKubeconfig(resourceGroup.name, aks.clusterName, aks);

  const tail = deployClusterStack({
    cloud: "azure",
    config,
    clusterName,
    clusterNameOutput: aks.clusterName,
    region: config.location,
    kubeconfig,
    readyWhen: aks.cluster,
    pools,
    registry: () => ({
      registry: acr.registry.loginServer,
      repositories: { ...IMAGE_REPOSITORIES },
      credentials: acr.credentials(),
    }),
    ingress: { addresses: ingress.addresses, service: ingress.serviceValues },
  });

  const extraOutputs = {
    registryLoginServer: acr.registry.loginServer,
    oidcIssuerUrl: aks.cluster.oidcIssuerProfile.apply((p) => p?.issuerURL ?? ""),
  };
  return { config, resourceGroup, vnet, aks, acr, ingress, ...tail, extraOutputs };
}
