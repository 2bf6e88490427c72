import { stackOutputs } from "@llm/contracts";
import { collectExports, instanceCatalog, podsPerNode, runtimeRequests } from "@llm/infra-common";
import {
  inputsOf,
  isSecretOutput,
  type MockRecorder,
  outputValue,
  setStackConfig,
  settle,
  setupPulumiMocks,
} from "@llm/infra-common/testing";
import type * as gcp from "@pulumi/gcp";
import { parse } from "yaml";

let mocks: MockRecorder;
let program: typeof import("../src/index.js");
let stack: ReturnType<typeof import("../src/index.js")["deployGcp"]>;

const pool = (role: "cpu" | "gpu") =>
  inputsOf<gcp.container.NodePoolArgs>(mocks.one("gcp:container/nodePool:NodePool", `llm-${role}`));

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    stack: "gcp-dev",
    config: {
      "gcp:project": "acme-llm",
      "gcp:region": "us-central1",
      "llm-platform:gpuNodeLocations": ["us-central1-a", "us-central1-b"],
      "llm-platform:deployMode": "argocd",
      "llm-platform:domain": "gcp.llm.acme.io",
      "llm-platform:acmeEmail": "platform@acme.io",
      "llm-platform:routerUrl": "https://router.llm.acme.io",
      "llm-platform:gitRepoUrl": "https://github.com/acme/llm-multicloud.git",
    },
  });
  program = await import("../src/index.js");
  stack = program.deployGcp();
  await outputValue(collectExports(stack.outputs));
  await settle();
});

describe("GKE GPU node pool", () => {
  it("is spot n1-standard-4 with one T4 whose driver GKE installs", () => {
    const cfg = pool("gpu").nodeConfig!;
    expect(cfg.spot).toBe(true);
    expect(cfg.machineType).toBe("n1-standard-4");
    expect(cfg.guestAccelerators).toEqual([
      { type: "nvidia-tesla-t4", count: 1, gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" } },
    ]);
  });

  it("autoscales from zero nodes and starts with none", () => {
    const gpu = pool("gpu");
    expect(gpu.autoscaling).toEqual({ totalMinNodeCount: 0, totalMaxNodeCount: 2, locationPolicy: "ANY" });
    expect(gpu.initialNodeCount).toBe(0);
  });

  it("leaves the nvidia.com/gpu taint to GKE (which adds it to GPU nodes) and is labelled as the GPU pool", () => {
    const cfg = pool("gpu").nodeConfig!;
    expect(cfg.taints).toEqual([]);
    expect(cfg.labels).toEqual({ "llm.platform/pool": "gpu", "llm.platform/accelerator": "nvidia-t4" });
  });

  it("leaves the node count to the autoscaler once created", () => {
    expect(mocks.one("gcp:container/nodePool:NodePool", "llm-gpu").ignoreChanges).toEqual([
      "initialNodeCount",
    ]);
  });

  it("stays in the configured T4 zones", () => {
    expect(pool("gpu").nodeLocations).toEqual(["us-central1-a", "us-central1-b"]);
  });
});

describe("GKE CPU node pool", () => {
  it("is on-demand, untainted and fits the CPU runtime's requests", () => {
    const cpu = pool("cpu");
    expect(cpu.nodeConfig!.spot).toBe(false);
    expect(cpu.nodeConfig!.taints).toEqual([]);
    expect(cpu.autoscaling!.totalMinNodeCount).toBeGreaterThanOrEqual(1);
    expect(
      podsPerNode(instanceCatalog[cpu.nodeConfig!.machineType!]!, runtimeRequests.cpu),
    ).toBeGreaterThanOrEqual(1);
  });

  it("runs pods behind the Workload Identity metadata server on a dedicated node service account", () => {
    for (const role of ["cpu", "gpu"] as const) {
      const cfg = pool(role).nodeConfig!;
      expect(cfg.workloadMetadataConfig).toEqual({ mode: "GKE_METADATA" });
      expect(cfg.serviceAccount).toMatch(/-nodes@/);
    }
  });
});

describe("GKE cluster and network", () => {
  const cluster = () => inputsOf<gcp.container.ClusterArgs>(mocks.one("gcp:container/cluster:Cluster"));

  it("removes the default node pool and is created with one initial node, as GKE requires", () => {
    expect(cluster()).toMatchObject({ removeDefaultNodePool: true, initialNodeCount: 1 });
  });

  it("is zonal by default, on the REGULAR channel, with deletion protection and Workload Identity", () => {
    expect(cluster()).toMatchObject({
      name: "llm-gcp-dev",
      location: "us-central1-a",
      releaseChannel: { channel: "REGULAR" },
      deletionProtection: true,
      workloadIdentityConfig: { workloadPool: "acme-llm.svc.id.goog" },
    });
  });

  it("keeps nodes private and gives pods and services their own secondary ranges", () => {
    const c = cluster();
    expect(c.privateClusterConfig?.enablePrivateNodes).toBe(true);
    const subnet = inputsOf<gcp.compute.SubnetworkArgs>(mocks.one("gcp:compute/subnetwork:Subnetwork"));
    const ranges = Object.fromEntries(
      (subnet.secondaryIpRanges ?? []).map((r) => [r.rangeName, r.ipCidrRange]),
    );
    expect(ranges).toEqual({ pods: "10.20.0.0/14", services: "10.24.0.0/20" });
    expect(c.ipAllocationPolicy).toEqual({
      clusterSecondaryRangeName: "pods",
      servicesSecondaryRangeName: "services",
    });
    expect(mocks.ofType("gcp:compute/routerNat:RouterNat")).toHaveLength(1);
  });

  it("creates a Docker Artifact Registry the nodes may only read from", () => {
    const repo = inputsOf<gcp.artifactregistry.RepositoryArgs>(
      mocks.one("gcp:artifactregistry/repository:Repository"),
    );
    expect(repo).toMatchObject({ format: "DOCKER", repositoryId: "llm", location: "us-central1" });
    const reader = inputsOf<gcp.artifactregistry.RepositoryIamMemberArgs>(
      mocks.one("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember"),
    );
    expect(reader.role).toBe("roles/artifactregistry.reader");
  });

  it("binds the exporter's Kubernetes service account to its GCP service account through Workload Identity", () => {
    const binding = inputsOf<gcp.serviceaccount.IAMMemberArgs>(
      mocks.one("gcp:serviceaccount/iAMMember:IAMMember"),
    );
    expect(binding.role).toBe("roles/iam.workloadIdentityUser");
    expect(binding.member).toBe("serviceAccount:acme-llm.svc.id.goog[llm/exporters]");
  });

  it("grants project roles that are neither owner, editor nor any admin role", () => {
    const roles = mocks.ofType("gcp:projects/iAMMember:IAMMember").map((r) => r.inputs.role as string);
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) expect(role).not.toMatch(/owner|editor|admin/i);
  });

  it("installs only Argo CD in argocd mode and bootstraps the cloud's root app", () => {
    const charts = mocks.ofType("kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart);
    expect(charts).toEqual(["argo-cd"]);
    const app = mocks.one("kubernetes:argoproj.io/v1alpha1:Application");
    expect((app.inputs.spec as { source: { path: string } }).source.path).toMatch(/^clusters\/gcp\//);
  });
});

describe("GCP stack outputs", () => {
  it("match the shared stack-output schema", async () => {
    const parsed = stackOutputs.parse(await outputValue(collectExports(stack.outputs)));
    expect(parsed).toMatchObject({
      cloud: "gcp",
      region: "us-central1",
      clusterName: "llm-gcp-dev",
      pools: {
        cpu: { capacityType: "on-demand", instanceType: "e2-standard-4", minNodes: 1 },
        gpu: { capacityType: "spot", instanceType: "n1-standard-4", minNodes: 0, maxNodes: 2 },
      },
    });
  });

  it("keep the kubeconfig and the HMAC secret secret", async () => {
    expect(await isSecretOutput(stack.outputs.kubeconfig!)).toBe(true);
    expect(await isSecretOutput(stack.outputs.hmacSecret!)).toBe(true);
  });

  it("export a kubeconfig that authenticates with gke-gcloud-auth-plugin", async () => {
    const kc = parse((await outputValue(stack.outputs.kubeconfig!)) ?? "") as {
      clusters: { cluster: { server: string } }[];
      users: { user: { exec: { command: string } } }[];
    };
    expect(kc.users[0]!.user.exec.command).toBe("gke-gcloud-auth-plugin");
    expect(kc.clusters[0]!.cluster.server).toBe("https://10.0.0.2");
  });
});

describe("GCP stack config", () => {
  afterAll(() => setStackConfig({ "gcp:project": "acme-llm" }));

  it("requires gcp:project and says so", () => {
    setStackConfig({});
    expect(() => program.loadGcpConfig()).toThrow(/gcp:project/);
  });

  it("rejects an unknown release channel naming the key", () => {
    setStackConfig({ "gcp:project": "p", "llm-platform:releaseChannel": "BETA" });
    expect(() => program.loadGcpConfig()).toThrow(/llm-platform:releaseChannel/);
  });

  it("puts a regional cluster in the region and a zonal one in the configured zone", () => {
    const required = { "llm-platform:domain": "gcp.acme.io", "llm-platform:acmeEmail": "ops@acme.io" };
    setStackConfig({
      ...required,
      "gcp:project": "p",
      "gcp:region": "europe-west4",
      "llm-platform:regional": true,
    });
    expect(program.loadGcpConfig().location).toBe("europe-west4");
    setStackConfig({
      ...required,
      "gcp:project": "p",
      "gcp:region": "europe-west4",
      "llm-platform:zone": "europe-west4-b",
    });
    expect(program.loadGcpConfig().location).toBe("europe-west4-b");
  });
});
