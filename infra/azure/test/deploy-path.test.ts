/**
 * The deploy path of the Azure stack (issue #16), azure-dev fixture config in helm mode: the
 * cluster identity may use its own subnet, the spot taint only on a Spot pool, images pushed to
 * ACR, a reserved ingress IP the load balancer takes.
 */
import { collectExports } from "@llm/infra-common";
import {
  fixtureConfig,
  type MockRecorder,
  outputValue,
  settle,
  setupPulumiMocks,
} from "@llm/infra-common/testing";

let mocks: MockRecorder;
let outputs: Record<string, unknown>;
let program: typeof import("../src/index.js");

beforeAll(async () => {
  mocks = await setupPulumiMocks({ stack: "azure-dev", config: fixtureConfig("azure-dev") });
  program = await import("../src/index.js");
  outputs = await outputValue(collectExports(program.deployAzure().outputs));
  await settle(200);
});

describe("AKS on its own VNet", () => {
  it("grants the cluster identity Network Contributor on the node subnet", () => {
    const ra = mocks.one("azure-native:authorization:RoleAssignment", "subnet-network-contributor").inputs;
    expect(ra).toMatchObject({
      principalId: "00000000-0000-0000-0000-0000000c1057",
      principalType: "ServicePrincipal",
      scope: "llm-nodes-id",
      roleDefinitionId: expect.stringMatching(/\/roleDefinitions\/4d97b98b-1d4f-4787-a291-c67834d212e7$/),
    });
  });

  it("puts ingress-nginx's load balancer on a Standard static IP in the node resource group, and exports it", () => {
    const pip = mocks.one("azure-native:network:PublicIPAddress").inputs;
    expect(pip).toMatchObject({
      resourceGroupName: "rg-llm-azure-dev-nodes",
      sku: { name: "Standard" },
      publicIPAllocationMethod: "Static",
    });
    const cluster = mocks.one("azure-native:containerservice:ManagedCluster").inputs;
    expect(cluster.nodeResourceGroup).toBe("rg-llm-azure-dev-nodes");
    const ingress = mocks
      .ofType("kubernetes:helm.sh/v3:Release")
      .find((r) => r.inputs.chart === "ingress-nginx")!.inputs.values as {
      controller: { service: { annotations: Record<string, string> } };
    };
    expect(ingress.controller.service.annotations["service.beta.kubernetes.io/azure-pip-name"]).toBe(
      pip.publicIpAddressName,
    );
    expect(outputs.ingressAddresses).toEqual([expect.stringMatching(/^203\.0\.113\.\d+$/)]);
  });

  it("pushes the images to ACR with the registry's admin credentials, enabled only because this stack pushes", () => {
    expect(mocks.one("azure-native:containerregistry:Registry").inputs.adminUserEnabled).toBe(true);
    const images = mocks.ofType("docker-build:index:Image");
    expect(images).toHaveLength(4);
    for (const i of images)
      expect(i.inputs.registries).toEqual([
        { address: "llmazuredev.azurecr.io", username: "mockacr", password: "mock-acr-password" },
      ]);
  });
});

describe("AKS spot taint", () => {
  it("taints the GPU pool kubernetes.azure.com/scalesetpriority only when it is a Spot pool", async () => {
    const { resolveClusterPools, commonConfig } = await import("@llm/infra-common");
    const base = { domain: "azure.acme.test", acmeEmail: "ops@acme.test" };
    const keys = (spot: boolean) =>
      resolveClusterPools("azure", commonConfig.parse({ ...base, gpuPool: { spot } })).specs.gpu!.taints.map(
        (t) => t.key,
      );
    expect(keys(true)).toEqual(["kubernetes.azure.com/scalesetpriority", "nvidia.com/gpu"]);
    expect(keys(false)).toEqual(["nvidia.com/gpu"]);
  });
});
