import * as network from "@pulumi/azure-native/network/index.js";
import * as pulumi from "@pulumi/pulumi";

export interface VnetArgs {
  /** Resource group name. */
  resourceGroupName: pulumi.Input<string>;
  /** Region. */
  location: string;
  /** VNet address space. */
  cidr: string;
  /** Node subnet range. */
  nodeSubnetCidr: string;
  /** Tags. */
  tags: Record<string, string>;
}

/**
 * VNet with one node subnet. The subnet is its own resource (not inline in the VNet) so later
 * subnets or delegations never make Pulumi rewrite the VNet. Nodes get no public IPs; egress
 * goes through the cluster's standard load balancer.
 */
export class Vnet extends pulumi.ComponentResource {
  readonly vnet: network.VirtualNetwork;
  readonly nodeSubnet: network.Subnet;

  constructor(name: string, args: VnetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:azure:Vnet", name, {}, opts);
    this.vnet = new network.VirtualNetwork(
      name,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        addressSpace: { addressPrefixes: [args.cidr] },
        tags: args.tags,
      },
      // Subnets are managed as separate resources; keep the VNet from fighting over them.
      { parent: this, ignoreChanges: ["subnets"] },
    );
    this.nodeSubnet = new network.Subnet(
      `${name}-nodes`,
      {
        resourceGroupName: args.resourceGroupName,
        virtualNetworkName: this.vnet.name,
        addressPrefix: args.nodeSubnetCidr,
      },
      { parent: this },
    );
    this.registerOutputs({ vnetId: this.vnet.id, nodeSubnetId: this.nodeSubnet.id });
  }
}
