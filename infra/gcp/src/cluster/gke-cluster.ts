import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { RANGE_NAMES } from "../network/network.js";

export interface GkeClusterArgs {
  /** Cluster name. */
  clusterName: string;
  /** Project id (Workload Identity pool `<project>.svc.id.goog`). */
  project: string;
  /** Region (regional cluster) or zone (zonal cluster). */
  location: string;
  /** VPC network id. */
  network: pulumi.Input<string>;
  /** Subnet id carrying the pods/services secondary ranges. */
  subnetwork: pulumi.Input<string>;
  /** Release channel (`REGULAR`...). */
  releaseChannel: string;
  /** Minimum control-plane version, e.g. `1.34`; unset lets the channel choose. */
  minMasterVersion?: string;
  /** Protect the cluster from deletion. */
  deletionProtection: boolean;
  /** /28 for the private control-plane endpoint. */
  masterCidr: string;
  /** CIDRs allowed to reach the public endpoint. */
  masterAuthorizedCidrs: string[];
  /** Labels for the cluster. */
  labels: Record<string, string>;
}

/**
 * GKE Standard cluster with private nodes and Workload Identity. The default node pool is
 * removed right after creation (GKE cannot create a cluster without one) so every node comes
 * from the managed CPU and GPU pools.
 */
export class GkeCluster extends pulumi.ComponentResource {
  readonly cluster: gcp.container.Cluster;

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:gcp:GkeCluster", name, {}, opts);
    this.cluster = new gcp.container.Cluster(
      name,
      {
        name: args.clusterName,
        location: args.location,
        network: args.network,
        subnetwork: args.subnetwork,
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        deletionProtection: args.deletionProtection,
        releaseChannel: { channel: args.releaseChannel },
        minMasterVersion: args.minMasterVersion,
        networkingMode: "VPC_NATIVE",
        ipAllocationPolicy: {
          clusterSecondaryRangeName: RANGE_NAMES.pods,
          servicesSecondaryRangeName: RANGE_NAMES.services,
        },
        privateClusterConfig: {
          enablePrivateNodes: true,
          // The control plane keeps a public endpoint (limited by masterAuthorizedNetworks) so
          // `pulumi up` from a laptop can install the Helm releases.
          enablePrivateEndpoint: false,
          masterIpv4CidrBlock: args.masterCidr,
        },
        masterAuthorizedNetworksConfig: {
          cidrBlocks: args.masterAuthorizedCidrs.map((cidrBlock) => ({ cidrBlock, displayName: cidrBlock })),
        },
        workloadIdentityConfig: { workloadPool: `${args.project}.svc.id.goog` },
        resourceLabels: args.labels,
      },
      { parent: this },
    );
    this.registerOutputs({ clusterName: this.cluster.name, endpoint: this.cluster.endpoint });
  }
}
