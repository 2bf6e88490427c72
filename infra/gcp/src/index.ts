import {
  type CloudStackBase,
  clusterNameFor,
  commonTags,
  deployClusterStack,
  IMAGE_REPOSITORIES,
  resolveClusterPools,
} from "@llm/infra-common";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GkeCluster } from "./cluster/gke-cluster.js";
import { gkeKubeconfig } from "./cluster/kubeconfig.js";
import { type GcpConfig, loadGcpConfig } from "./config.js";
import { ServiceAccounts } from "./iam/service-accounts.js";
import { ControlPlaneFirewall } from "./network/control-plane-firewall.js";
import { IngressAddress } from "./network/ingress-address.js";
import { Network } from "./network/network.js";
import { NodePools } from "./pools/node-pools.js";
import { ArtifactRegistry } from "./registry/artifact-registry.js";

export { gcpConfig, loadGcpConfig } from "./config.js";
export { CONTROL_PLANE_PORTS } from "./network/control-plane-firewall.js";

/** Everything the GCP program created. */
export interface GcpStack extends CloudStackBase {
  config: GcpConfig;
  network: Network;
  firewall: ControlPlaneFirewall;
  gke: GkeCluster;
  nodePools: NodePools;
  serviceAccounts: ServiceAccounts;
  registry: ArtifactRegistry;
  ingress: IngressAddress;
}

/** Zones GKE gives a regional cluster's node pools when none are named. */
const REGIONAL_ZONES = 3;

/**
 * The GCP cloud program: VPC-native network with Cloud NAT, a private GKE cluster with
 * Workload Identity and a firewall rule for the control plane's webhook and aggregated-API
 * calls, an on-demand CPU pool and a spot T4 pool that scales from zero, Artifact Registry with
 * the images pushed, a reserved ingress IP, service accounts, then the platform and apps.
 */
export function deployGcp(config: GcpConfig = loadGcpConfig()): GcpStack {
  const stack = pulumi.getStack();
  const clusterName = clusterNameFor(stack);
  const labels = commonTags({ cloud: "gcp", stack, environment: config.environment });
  const pools = resolveClusterPools("gcp", config);
  const nodeTag = `${clusterName}-node`;

  const network = new Network("llm", {
    region: config.region,
    subnetCidr: config.subnetCidr,
    podsCidr: config.podsCidr,
    servicesCidr: config.servicesCidr,
  });
  const firewall = new ControlPlaneFirewall("llm-master-webhooks", {
    network: network.network.id,
    masterCidr: config.masterCidr,
    nodeTag,
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
  const serviceAccounts = new ServiceAccounts("llm", {
    project: config.project,
    prefix: clusterName.slice(0, 20).replace(/-$/, ""),
    exporterNamespace: config.appsNamespace,
    exporterServiceAccount: config.exporterServiceAccount,
    workloadPool: gke.cluster.workloadIdentityConfig.apply((w) => w?.workloadPool ?? ""),
  });
  const nodePools = new NodePools("llm", {
    cluster: gke.cluster,
    location: config.location,
    serviceAccountEmail: serviceAccounts.nodes.email,
    cpu: pools.specs.cpu,
    gpu: pools.specs.gpu,
    gpuNodeLocations: config.gpuNodeLocations,
    cpuZoneCount: config.regional ? REGIONAL_ZONES : 1,
    nodeTag,
    labels,
  });
  const registry = new ArtifactRegistry("llm", {
    repositoryId: config.artifactRepository,
    location: config.region,
    readerMember: pulumi.interpolate`serviceAccount:${serviceAccounts.nodes.email}`,
    labels,
  });
  const ingress = new IngressAddress("llm-ingress", { region: config.region, labels });

  const kubeconfig = pulumi.secret(
    pulumi
      .all([gke.cluster.endpoint, gke.cluster.masterAuth])
      .apply(([endpoint, auth]) =>
        gkeKubeconfig({ clusterName, endpoint, caData: auth?.clusterCaCertificate ?? "" }),
      ),
  );

  const tail = deployClusterStack({
    cloud: "gcp",
    config,
    clusterName,
    clusterNameOutput: gke.cluster.name,
    region: config.region,
    kubeconfig,
    readyWhen: nodePools.cpu,
    pools,
    registry: () => {
      // The caller's OAuth token (gcloud / service account running `pulumi up`), short-lived.
      const client = gcp.organizations.getClientConfigOutput();
      const path = (image: string) =>
        pulumi.interpolate`${registry.repository.project}/${config.artifactRepository}/${image}`;
      return {
        registry: `${config.region}-docker.pkg.dev`,
        repositories: {
          runtime: path(IMAGE_REPOSITORIES.runtime),
          runtimeCuda: path(IMAGE_REPOSITORIES.runtimeCuda),
          router: path(IMAGE_REPOSITORIES.router),
          exporter: path(IMAGE_REPOSITORIES.exporter),
        },
        credentials: { username: "oauth2accesstoken", password: client.accessToken },
      };
    },
    ingress: { addresses: ingress.addresses, service: ingress.serviceValues },
  });

  const extraOutputs = {
    registryUrl: registry.url,
    exporterServiceAccountEmail: serviceAccounts.exporter.email,
  };
  return {
    config,
    network,
    firewall,
    gke,
    nodePools,
    serviceAccounts,
    registry,
    ingress,
    ...tail,
    extraOutputs,
  };
}
