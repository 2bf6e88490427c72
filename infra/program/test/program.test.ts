import { stackOutputs } from "@llm/contracts";
import {
  fixtureConfig,
  type MockRecorder,
  outputValue,
  setStackConfig,
  settle,
  setupPulumiMocks,
} from "@llm/infra-common/testing";
import * as pulumi from "@pulumi/pulumi";

let mocks: MockRecorder;

/** A cloud stack's outputs as the global program reads them through a StackReference. */
const awsDev = {
  cloud: "aws",
  region: "us-east-1",
  clusterName: "llm-aws-dev",
  kubeconfig: "apiVersion: v1\nkind: Config\n",
  authMode: "none",
  scalingToken: "scaling-token-0123456789abcdef",
  ingressAddresses: ["198.51.100.10"],
  images: Object.fromEntries(
    ["runtime", "runtimeCuda", "router", "exporter"].map((k, i) => [
      k,
      {
        registry: "123456789012.dkr.ecr.us-east-1.amazonaws.com",
        repository: "llm-x",
        digest: `sha256:${String(i).repeat(64)}`,
      },
    ]),
  ),
  pools: {
    cpu: {
      endpoint: "https://cpu.aws.llm.example.com",
      instanceType: "m6i.xlarge",
      pricePerHour: { onDemand: 0.192, spot: 0.08 },
      capacityType: "on-demand",
      minNodes: 1,
      maxNodes: 3,
      capabilities: {
        models: ["tinyllama-1.1b-chat"],
        contextLength: 2048,
        features: [],
        accelerator: "cpu",
      },
    },
  },
};
let main: typeof import("../index.js")["default"];

/** Resolves every output of the program into plain values. */
async function resolved(outputs: Record<string, pulumi.Input<unknown>>): Promise<Record<string, unknown>> {
  return outputValue(pulumi.output(outputs) as unknown as pulumi.Output<Record<string, unknown>>);
}

beforeAll(async () => {
  mocks = await setupPulumiMocks({ stack: "gcp-dev", stackOutputs: { "acme/llm-platform/aws-dev": awsDev } });
  main = (await import("../index.js")).default;
});

describe("program entry", () => {
  it("runs the GCP program when llm-platform:cloud is gcp, exporting the shared shape", async () => {
    setStackConfig(fixtureConfig("gcp-dev", { "gcp:project": "acme" }));
    const out = await resolved(await main());
    await settle();
    expect(mocks.ofType("gcp:container/cluster:Cluster")).toHaveLength(1);
    expect(mocks.ofType("azure-native:containerservice:ManagedCluster")).toHaveLength(0);
    const shared = Object.fromEntries(Object.entries(out).filter(([k]) => k in stackOutputs.shape));
    expect(stackOutputs.parse(shared)).toMatchObject({ cloud: "gcp", clusterName: "llm-gcp-dev" });
    expect(out.registryUrl).toMatch(/docker\.pkg\.dev/);
  });

  it("runs the Azure program when llm-platform:cloud is azure", async () => {
    // No apps: nothing polls the router, so no routerUrl is needed.
    setStackConfig(
      fixtureConfig("azure-dev", { "llm-platform:deployMode": "none", "llm-platform:routerUrl": undefined }),
    );
    const out = await resolved(await main());
    await settle();
    expect(mocks.ofType("azure-native:containerservice:ManagedCluster")).toHaveLength(1);
    expect(out.cloud).toBe("azure");
  });

  it("runs the global program when llm-platform:cloud is global", async () => {
    setStackConfig({
      "llm-platform:cloud": "global",
      "llm-platform:stacks": ["acme/llm-platform/aws-dev"],
      // The example.com default is gone: a placeholder host would be refused (#16).
      "llm-platform:routerHostname": "router.llm.acme.test",
    });
    const out = await resolved(await main());
    expect(out.routerTargets).toEqual(["aws-llm-aws-dev-cpu"]);
    expect(out.routerUrl).toBe("https://router.llm.acme.test");
  });

  it.each([["oracle"], ["AWS"], [""]])("rejects the cloud %p naming llm-platform:cloud", async (cloud) => {
    setStackConfig({ "llm-platform:cloud": cloud });
    await expect(main()).rejects.toThrow(/llm-platform:cloud/);
  });

  it("rejects a stack without llm-platform:cloud naming the key", async () => {
    setStackConfig({});
    await expect(main()).rejects.toThrow(/llm-platform:cloud/);
  });
});
