import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface NetworkArgs {
  /** Region of the subnet and NAT. */
  region: string;
  /** Primary (node) range. */
  subnetCidr: string;
  /** Secondary range for pods. */
  podsCidr: string;
  /** Secondary range for services. */
  servicesCidr: string;
}

/** Names of the subnet's secondary ranges, referenced by the cluster's ipAllocationPolicy. */
export const RANGE_NAMES = { pods: "pods", services: "services" } as const;

/**
 * Custom-mode VPC with one subnet carrying secondary ranges for pods and services
 * (VPC-native cluster), plus Cloud NAT: nodes are private and pull images and models through it.
 */
export class Network extends pulumi.ComponentResource {
  readonly network: gcp.compute.Network;
  readonly subnet: gcp.compute.Subnetwork;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:gcp:Network", name, {}, opts);
    const parent = { parent: this };
    this.network = new gcp.compute.Network(name, { autoCreateSubnetworks: false }, parent);
    this.subnet = new gcp.compute.Subnetwork(
      `${name}-nodes`,
      {
        network: this.network.id,
        region: args.region,
        ipCidrRange: args.subnetCidr,
        secondaryIpRanges: [
          { rangeName: RANGE_NAMES.pods, ipCidrRange: args.podsCidr },
          { rangeName: RANGE_NAMES.services, ipCidrRange: args.servicesCidr },
        ],
        // Private nodes reach Google APIs (Artifact Registry, logging) without NAT.
        privateIpGoogleAccess: true,
      },
      parent,
    );
    const router = new gcp.compute.Router(
      `${name}-router`,
      { network: this.network.id, region: args.region },
      parent,
    );
    new gcp.compute.RouterNat(
      `${name}-nat`,
      {
        router: router.name,
        region: args.region,
        natIpAllocateOption: "AUTO_ONLY",
        sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
      },
      parent,
    );
    this.registerOutputs({ network: this.network.id, subnet: this.subnet.id });
  }
}
