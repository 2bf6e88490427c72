import type { NodePoolSpec } from "@llm/infra-common";
import * as authorization from "@pulumi/azure-native/authorization/index.js";
import * as containerservice from "@pulumi/azure-native/containerservice/index.js";
import * as pulumi from "@pulumi/pulumi";
import { gpuPoolArgs, systemPoolProfile } from "../pools/agent-pools.js";

export interface AksClusterArgs {
  /** Cluster resource name. */
  clusterName: string;
  /** Resource group name. */
  resourceGroupName: pulumi.Input<string>;
  /** Region. */
  location: string;
  /** Kubernetes version, e.g. `1.34`. */
  kubernetesVersion: string;
  /** Node subnet id. */
  nodeSubnetId: pulumi.Input<string>;
  /** The CPU (System) pool. */
  cpu: NodePoolSpec;
  /** The Spot GPU (User) pool; omitted for a CPU-only cluster. */
  gpu?: NodePoolSpec;
  /** Spot max price (-1: up to on-demand). */
  spotMaxPrice: number;
  /** Overlay pod CIDR. */
  podCidr: string;
  /** Service CIDR. */
  serviceCidr: string;
  /** DNS service IP. */
  dnsServiceIp: string;
  /** Control-plane tier. */
  skuTier: "Free" | "Standard";
  /** Autoscaler scale-down delay. */
  scaleDownUnneededTime: string;
  /** Tags. */
  tags: Record<string, string>;
}

/** Built-in Network Contributor role (join and manage the subnet's NICs and load balancers). */
export const NETWORK_CONTRIBUTOR_ROLE_ID = "4d97b98b-1d4f-4787-a291-c67834d212e7";

/** Name of the node resource group AKS creates for the cluster (set, not generated, so it is known). */
export const nodeResourceGroupFor = (clusterName: string) => `rg-${clusterName}-nodes`;

/**
 * AKS with a system-assigned identity, OIDC issuer and workload identity, Azure CNI overlay,
 * the cluster autoscaler tuned to give GPU nodes back quickly, the CPU System pool and a Spot
 * T4 User pool that scales to zero.
 */
export class AksCluster extends pulumi.ComponentResource {
  readonly cluster: containerservice.ManagedCluster;
  readonly gpuPool?: containerservice.AgentPool;
  /** The cluster's name, resolved once the cluster exists (carries the dependency). */
  readonly clusterName: pulumi.Output<string>;
  /** The node resource group, resolved once the cluster exists. */
  readonly nodeResourceGroup: pulumi.Output<string>;
  /** Network Contributor for the cluster identity on the node subnet. */
  readonly subnetRole: authorization.RoleAssignment;
  /** Object id of the kubelet identity (pulls images from ACR). */
  readonly kubeletObjectId: pulumi.Output<string>;

  constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:azure:AksCluster", name, {}, opts);
    this.cluster = new containerservice.ManagedCluster(
      name,
      {
        resourceName: args.clusterName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        dnsPrefix: args.clusterName,
        nodeResourceGroup: nodeResourceGroupFor(args.clusterName),
        kubernetesVersion: args.kubernetesVersion,
        identity: { type: "SystemAssigned" },
        sku: { name: "Base", tier: args.skuTier },
        enableRBAC: true,
        oidcIssuerProfile: { enabled: true },
        securityProfile: { workloadIdentity: { enabled: true } },
        agentPoolProfiles: [systemPoolProfile(args.cpu, args.nodeSubnetId)],
        autoScalerProfile: {
          // Spot GPU nodes cost money every idle minute: give them back soon after the last pod.
          scaleDownUnneededTime: args.scaleDownUnneededTime,
          scaleDownDelayAfterAdd: "10m",
          scaleDownUtilizationThreshold: "0.5",
          expander: "least-waste",
          balanceSimilarNodeGroups: "true",
          // Model caches live in emptyDir; they must not pin a node.
          skipNodesWithLocalStorage: "false",
        },
        networkProfile: {
          networkPlugin: "azure",
          networkPluginMode: "overlay",
          podCidr: args.podCidr,
          serviceCidr: args.serviceCidr,
          dnsServiceIP: args.dnsServiceIp,
          loadBalancerSku: "standard",
          outboundType: "loadBalancer",
        },
        tags: args.tags,
      },
      // The autoscaler owns the system pool's count after creation.
      { parent: this, ignoreChanges: ["agentPoolProfiles[0].count"] },
    );
    // `name` is the ARM resource name, which is exactly resourceName; map it so the value is
    // known even where the provider reports it late, while keeping the dependency on the cluster.
    this.clusterName = this.cluster.name.apply(() => args.clusterName);
    this.kubeletObjectId = this.cluster.identityProfile.apply((p) => p?.kubeletidentity?.objectId ?? "");
    this.nodeResourceGroup = this.cluster.name.apply(() => nodeResourceGroupFor(args.clusterName));

    // With a VNet of our own (not one AKS creates) the cluster identity must be granted the
    // subnet, or load balancers and nodes cannot join it (learn.microsoft.com/azure/aks/
    // configure-azure-cni, "the cluster identity needs Network Contributor on the subnet").
    const client = authorization.getClientConfigOutput({ parent: this });
    this.subnetRole = new authorization.RoleAssignment(
      `${name}-subnet-network-contributor`,
      {
        principalId: this.cluster.identity.apply((i) => i?.principalId ?? ""),
        principalType: "ServicePrincipal",
        roleDefinitionId: pulumi.interpolate`/subscriptions/${client.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${NETWORK_CONTRIBUTOR_ROLE_ID}`,
        scope: args.nodeSubnetId,
      },
      { parent: this },
    );

    if (args.gpu) {
      this.gpuPool = new containerservice.AgentPool(
        `${name}-gpu`,
        {
          agentPoolName: "gpu",
          resourceGroupName: args.resourceGroupName,
          resourceName: this.clusterName,
          vnetSubnetID: args.nodeSubnetId,
          orchestratorVersion: args.kubernetesVersion,
          ...gpuPoolArgs(args.gpu, args.spotMaxPrice),
          tags: { ...args.tags, pool: "gpu" },
        },
        { parent: this, ignoreChanges: ["count"] },
      );
    }
    this.registerOutputs({ clusterName: this.cluster.name });
  }
}
