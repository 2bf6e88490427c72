import { stackOutputs } from "@llm/contracts";
import { collectExports, instanceCatalog, podsPerNode, runtimeRequests } from "@llm/infra-common";
import {
  inputsOf,
  isSecretOutput,
  type MockRecorder,
  outputValue,
  settle,
  setupPulumiMocks,
} from "@llm/infra-common/testing";
import type * as authorization from "@pulumi/azure-native/authorization/index.js";
import type * as containerservice from "@pulumi/azure-native/containerservice/index.js";

let mocks: MockRecorder;
let stack: ReturnType<typeof import("../src/index.js")["deployAzure"]>;

const gpuPool = () =>
  inputsOf<containerservice.AgentPoolArgs>(mocks.one("azure-native:containerservice:AgentPool", "llm-gpu"));
const cluster = () =>
  inputsOf<containerservice.ManagedClusterArgs>(mocks.one("azure-native:containerservice:ManagedCluster"));

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    stack: "azure-dev",
    config: {
      "azure-native:location": "eastus",
      "llm-platform:gpuPool": { maxNodes: 3 },
      "llm-platform:domain": "azure.llm.acme.io",
      "llm-platform:acmeEmail": "platform@acme.io",
      "llm-platform:routerUrl": "https://router.llm.acme.io",
      // Images pushed from CI: the registry keeps its admin user off (see deploy-path.test.ts for pushes).
      "llm-platform:buildImages": false,
      "llm-platform:images": Object.fromEntries(
        ["runtime", "runtimeCuda", "router", "exporter"].map((k, i) => [
          k,
          {
            registry: "llmazuredev.azurecr.io",
            repository: `llm-${k}`,
            digest: `sha256:${String(i).repeat(64)}`,
          },
        ]),
      ),
    },
  });
  const program = await import("../src/index.js");
  stack = program.deployAzure();
  await outputValue(collectExports(stack.outputs));
  await settle();
});

describe("AKS GPU user pool", () => {
  it("is a separate Spot Standard_NC4as_T4_v3 pool whose evicted nodes are deleted", () => {
    expect(gpuPool()).toMatchObject({
      agentPoolName: "gpu",
      mode: "User",
      vmSize: "Standard_NC4as_T4_v3",
      scaleSetPriority: "Spot",
      spotMaxPrice: -1,
      scaleSetEvictionPolicy: "Delete",
    });
  });

  it("autoscales from zero nodes and starts with none", () => {
    expect(gpuPool()).toMatchObject({ enableAutoScaling: true, minCount: 0, count: 0, maxCount: 3 });
  });

  it("leaves the node count to the autoscaler once created", () => {
    expect(mocks.one("azure-native:containerservice:AgentPool", "llm-gpu").ignoreChanges).toEqual(["count"]);
  });

  it("carries the spot and GPU taints as AKS taint strings, and the GPU pool labels", () => {
    const pool = gpuPool();
    expect(pool.nodeTaints).toEqual([
      "kubernetes.azure.com/scalesetpriority=spot:NoSchedule",
      "nvidia.com/gpu=present:NoSchedule",
    ]);
    expect(pool.nodeLabels).toEqual({ "llm.platform/pool": "gpu", "llm.platform/accelerator": "nvidia-t4" });
  });

  it("joins the cluster's private node subnet without public IPs", () => {
    const pool = gpuPool();
    expect(pool.vnetSubnetID).toBe("llm-nodes-id");
    expect(pool.enableNodePublicIP).toBe(false);
    expect(pool.resourceName).toBe("llm-azure-dev");
  });
});

describe("AKS cluster", () => {
  it("has its CPU pool as the System pool, on-demand, sized for the CPU runtime", () => {
    const [system] = cluster().agentPoolProfiles!;
    expect(system).toMatchObject({
      mode: "System",
      scaleSetPriority: "Regular",
      enableAutoScaling: true,
      minCount: 1,
    });
    expect(system!.nodeTaints).toEqual([]);
    expect(system!.vnetSubnetID).toBe("llm-nodes-id");
    expect(system!.enableNodePublicIP).toBe(false);
    expect(podsPerNode(instanceCatalog[system!.vmSize!]!, runtimeRequests.cpu)).toBeGreaterThanOrEqual(1);
  });

  it("uses a managed identity with the OIDC issuer and workload identity enabled", () => {
    expect(cluster()).toMatchObject({
      identity: { type: "SystemAssigned" },
      oidcIssuerProfile: { enabled: true },
      securityProfile: { workloadIdentity: { enabled: true } },
    });
  });

  it("runs Azure CNI in overlay mode with pod and service ranges outside the VNet", () => {
    expect(cluster().networkProfile).toMatchObject({
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      podCidr: "192.168.0.0/16",
      serviceCidr: "172.20.0.0/16",
    });
  });

  it("tunes the autoscaler to give idle nodes back after ten minutes", () => {
    expect(cluster().autoScalerProfile).toMatchObject({
      scaleDownUnneededTime: "10m",
      scaleDownDelayAfterAdd: "10m",
      skipNodesWithLocalStorage: "false",
    });
  });

  it("grants the kubelet identity AcrPull, and only that, on the registry", () => {
    const ra = inputsOf<authorization.RoleAssignmentArgs>(
      mocks.one("azure-native:authorization:RoleAssignment", "acrpull"),
    );
    expect(ra.roleDefinitionId).toBe(
      "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
    );
    expect(ra.principalId).toBe("00000000-0000-0000-0000-00000000cafe");
    expect(ra.principalType).toBe("ServicePrincipal");
    expect(ra.scope).toBe("llm-id");
    const acr = mocks.one("azure-native:containerregistry:Registry");
    expect(acr.inputs).toMatchObject({ adminUserEnabled: false, registryName: "llmazuredev" });
  });

  it("installs the NVIDIA device plugin (AKS ships the driver) and no cluster-autoscaler chart", () => {
    const charts = mocks.ofType("kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart);
    expect(charts).toContain("nvidia-device-plugin");
    expect(charts).not.toContain("cluster-autoscaler");
  });
});

describe("Azure stack outputs", () => {
  it("match the shared stack-output schema", async () => {
    const parsed = stackOutputs.parse(await outputValue(collectExports(stack.outputs)));
    expect(parsed).toMatchObject({
      cloud: "azure",
      region: "eastus",
      clusterName: "llm-azure-dev",
      pools: {
        cpu: { capacityType: "on-demand", instanceType: "Standard_D4s_v5" },
        gpu: { capacityType: "spot", instanceType: "Standard_NC4as_T4_v3", minNodes: 0, maxNodes: 3 },
      },
    });
    expect(parsed.kubeconfig).toContain("kind: Config");
  });

  it("keep the kubeconfig and the HMAC secret secret", async () => {
    expect(await isSecretOutput(stack.outputs.kubeconfig!)).toBe(true);
    expect(await isSecretOutput(stack.outputs.hmacSecret!)).toBe(true);
    expect(await isSecretOutput(stack.outputs.clusterName!)).toBe(false);
  });
});
