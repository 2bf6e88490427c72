import { type NodePoolSpec, toUpperCaseEffectTaint } from "@llm/infra-common";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/** The GPU every GKE GPU node carries: one T4. */
export const GKE_ACCELERATOR = "nvidia-tesla-t4";

export interface NodePoolsArgs {
  /** Cluster the pools belong to. */
  cluster: gcp.container.Cluster;
  /** Cluster location (region or zone). */
  location: string;
  /** Email of the node service account. */
  serviceAccountEmail: pulumi.Input<string>;
  /** The on-demand CPU pool. */
  cpu: NodePoolSpec;
  /** The spot GPU pool; omitted for a CPU-only cluster. */
  gpu?: NodePoolSpec;
  /** Zones for the GPU pool (T4 availability). Defaults to the cluster's. */
  gpuNodeLocations?: string[];
  /** Labels for the VMs (cost attribution). */
  labels: Record<string, string>;
}

/**
 * GKE node pools. The GPU pool is spot n1-standard-4 with one T4 whose driver GKE installs
 * (gpuDriverInstallationConfig DEFAULT), autoscaling from 0, tainted and labelled. Node counts
 * are per zone: a regional cluster multiplies them by its zone count.
 */
export class NodePools extends pulumi.ComponentResource {
  readonly cpu: gcp.container.NodePool;
  readonly gpu?: gcp.container.NodePool;

  constructor(name: string, args: NodePoolsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:gcp:NodePools", name, {}, opts);
    const pool = (
      spec: NodePoolSpec,
      extra: {
        guestAccelerators?: gcp.types.input.container.NodePoolNodeConfigGuestAccelerator[];
        nodeLocations?: string[];
      },
    ) =>
      new gcp.container.NodePool(
        `${name}-${spec.role}`,
        {
          cluster: args.cluster.name,
          location: args.location,
          nodeLocations: extra.nodeLocations,
          initialNodeCount: spec.desiredNodes,
          autoscaling: { minNodeCount: spec.minNodes, maxNodeCount: spec.maxNodes },
          management: { autoRepair: true, autoUpgrade: true },
          nodeConfig: {
            machineType: spec.instanceTypes[0]!,
            spot: spec.spot,
            diskSizeGb: spec.diskSizeGb,
            diskType: "pd-balanced",
            guestAccelerators: extra.guestAccelerators,
            labels: spec.labels,
            taints: spec.taints.map(toUpperCaseEffectTaint),
            resourceLabels: { ...args.labels, pool: spec.role },
            serviceAccount: args.serviceAccountEmail,
            oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
            // Pods see the Workload Identity metadata server, never the node's own identity.
            workloadMetadataConfig: { mode: "GKE_METADATA" },
            shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
          },
        },
        // The autoscaler changes the node count; initialNodeCount only matters at creation.
        { parent: this, ignoreChanges: ["initialNodeCount"] },
      );

    this.cpu = pool(args.cpu, {});
    if (args.gpu) {
      this.gpu = pool(args.gpu, {
        nodeLocations: args.gpuNodeLocations,
        guestAccelerators: [
          { type: GKE_ACCELERATOR, count: 1, gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" } },
        ],
      });
    }
    this.registerOutputs({ cpu: this.cpu.name, gpu: this.gpu?.name });
  }
}
