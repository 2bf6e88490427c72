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
  /** Network tag every node carries; the control-plane firewall rule targets it. */
  nodeTag: string;
  /** Zones the CPU pool spans (1 for a zonal cluster, the region's zones for a regional one). Defaults to 1. */
  cpuZoneCount?: number;
}

/**
 * GKE puts `nvidia.com/gpu=present:NoSchedule` on every node with a GPU itself; declaring the same
 * key again makes the node pool API fail ("more than one taint with key nvidia.com/gpu"), so the
 * pool declares every taint of its spec except that one.
 */
export function declaredTaints(spec: NodePoolSpec) {
  return spec.taints
    .filter((t) => !(spec.role === "gpu" && t.key === "nvidia.com/gpu"))
    .map(toUpperCaseEffectTaint);
}

/**
 * GKE node pools. The GPU pool is spot n1-standard-4 with one T4 whose driver GKE installs
 * (gpuDriverInstallationConfig DEFAULT), autoscaling from 0, labelled (GKE taints it). Bounds are
 * totals over all the pool's zones (`totalMin/MaxNodeCount`), so two T4 zones do not double the
 * `maxNodes` the router and KEDA count on; only `initialNodeCount` is per zone.
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
        zones: number;
        dependsOn?: pulumi.Resource[];
      },
    ) =>
      new gcp.container.NodePool(
        `${name}-${spec.role}`,
        {
          cluster: args.cluster.name,
          location: args.location,
          nodeLocations: extra.nodeLocations,
          initialNodeCount: Math.ceil(spec.desiredNodes / extra.zones),
          autoscaling: {
            totalMinNodeCount: spec.minNodes,
            totalMaxNodeCount: spec.maxNodes,
            // Spot capacity: take whichever zone has it instead of balancing across zones.
            locationPolicy: spec.spot ? "ANY" : "BALANCED",
          },
          management: { autoRepair: true, autoUpgrade: true },
          nodeConfig: {
            machineType: spec.instanceTypes[0]!,
            spot: spec.spot,
            diskSizeGb: spec.diskSizeGb,
            diskType: "pd-balanced",
            guestAccelerators: extra.guestAccelerators,
            labels: spec.labels,
            taints: declaredTaints(spec),
            tags: [args.nodeTag],
            resourceLabels: { ...args.labels, pool: spec.role },
            serviceAccount: args.serviceAccountEmail,
            oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
            // Pods see the Workload Identity metadata server, never the node's own identity.
            workloadMetadataConfig: { mode: "GKE_METADATA" },
            shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
          },
        },
        // The autoscaler changes the node count; initialNodeCount only matters at creation.
        { parent: this, ignoreChanges: ["initialNodeCount"], dependsOn: extra.dependsOn },
      );

    this.cpu = pool(args.cpu, { zones: args.cpuZoneCount ?? 1 });
    if (args.gpu) {
      this.gpu = pool(args.gpu, {
        // GKE updates one node pool of a cluster at a time; creating both at once fails the second.
        dependsOn: [this.cpu],
        zones: args.gpuNodeLocations?.length ?? args.cpuZoneCount ?? 1,
        nodeLocations: args.gpuNodeLocations,
        guestAccelerators: [
          { type: GKE_ACCELERATOR, count: 1, gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" } },
        ],
      });
    }
    this.registerOutputs({ cpu: this.cpu.name, gpu: this.gpu?.name });
  }
}
