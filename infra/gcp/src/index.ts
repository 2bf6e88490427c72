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
import { GkeCluster } from "./cluster/gke-cluster.js";
import { gkeKubeconfig } from "./cluster/kubeconfig.js";
import { type GcpConfig, loadGcpConfig } from "./config.js";
import { ServiceAccounts } from "./iam/service-accounts.js";
import { Network } from "./network/network.js";
import { NodePools } from "./pools/node-pools.js";
import { ArtifactRegistry } from "./registry/artifact-registry.js";

export { gcpConfig, loadGcpConfig } from "./config.js";

/** Everything the GCP program created. */
export interface GcpStack extends CloudStackBase {
  config: GcpConfig;
  network: Network;
  gke: GkeCluster;
  nodePools: NodePools;
  serviceAccounts: ServiceAccounts;
  registry: ArtifactRegistry;
}

/**
 * The GCP cloud program: VPC-native network with Cloud NAT, a private GKE cluster with
 * Workload Identity, an on-demand CPU pool and a spot T4 pool that scales from zero, Artifact
 * Registry, service accounts, then the platform and apps through Helm.
 */
export function deployGcp(config: GcpConfig = loadGcpConfig()): GcpStack {
  const stack = pulumi.getStack();
  const clusterName = clusterNameFor(stack);
  const labels = commonTags({ cloud: "gcp", stack, environment: config.environment });
  const pools = resolveClusterPools("gcp", config);

  const network = new Network("llm", {
    region: config.region,
    subnetCidr: config.subnetCidr,
    podsCidr: config.podsCidr,
    servicesCidr: config.servicesCidr,
  });
  const serviceAccounts = new ServiceAccounts("llm", {
    project: config.project,
    prefix: clusterName.slice(0, 20).replace(/-$/, ""),
    exporterNamespace: config.appsNamespace,
    exporterServiceAccount: config.exporterServiceAccount,
  });
  const gke = new GkeCluster("llm", {
    clusterName,
    project: config.project,
    location: config.location,
    network: network.network.id,
    subnetwork: network.subnet.id,
    releaseChannel: config.releaseChannel,
    minMasterVersion: config.kubernetesVersion,
    deletionProtection: config.deletionProtection,
    masterCidr: config.masterCidr,
    masterAuthorizedCidrs: config.masterAuthorizedCidrs,
    labels,
  });
  const nodePools = new NodePools("llm", {
    cluster: gke.cluster,
    location: config.location,
    serviceAccountEmail: serviceAccounts.nodes.email,
    cpu: pools.specs.cpu,
    gpu: pools.specs.gpu,
    gpuNodeLocations: config.gpuNodeLocations,
    labels,
  });
  const registry = new ArtifactRegistry("llm", {
    repositoryId: config.artifactRepository,
    location: config.region,
    readerMember: pulumi.interpolate`serviceAccount:${serviceAccounts.nodes.email}`,
    labels,
  });

  const kubeconfig = pulumi.secret(
    pulumi
      .all([gke.cluster.endpoint, gke.cluster.masterAuth])
      .apply(([endpoint, auth]) =>
        gkeKubeconfig({ clusterName, endpoint, caData: auth?.clusterCaCertificate ?? "" }),
      ),
  );
  const hmac = config.authMode === "hmac" ? new HmacSecret("llm-hmac") : undefined;

  const { platform, apps } = deployClusterSoftware({
    cloud: "gcp",
    clusterName,
    region: config.region,
    kubeconfig,
    readyWhen: nodePools.cpu,
    config,
    hmacSecret: hmac?.value,
  });

  const outputs = stackExports({
    cloud: "gcp",
    region: config.region,
    clusterName: gke.cluster.name,
    kubeconfig,
    authMode: config.authMode,
    hmacSecret: hmac?.value,
    pools: pools.outputs,
    exporterEndpoint: config.exporterEndpoint,
  });
  const extraOutputs = {
    registryUrl: registry.url,
    exporterServiceAccountEmail: serviceAccounts.exporter.email,
  };
  return {
    config,
    network,
    gke,
    nodePools,
    serviceAccounts,
    registry,
    platform,
    apps,
    outputs,
    extraOutputs,
  };
}
