/**
 * The global stack's part of the deploy path (issue #16), global fixture config: DNS for every
 * host a router target or exporter uses, one /scaling token shared with every cluster's KEDA,
 * a state store for more than one router replica, the router image pinned by digest.
 */
import {
  fixtureConfig,
  type MockRecorder,
  outputValue,
  settle,
  setupPulumiMocks,
} from "@llm/infra-common/testing";
import { parse } from "yaml";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const pool = (endpoint: string, spot: boolean) => ({
  endpoint,
  instanceType: spot ? "g4dn.xlarge" : "m6i.xlarge",
  pricePerHour: { onDemand: 0.5, spot: 0.2 },
  capacityType: spot ? "spot" : "on-demand",
  minNodes: spot ? 0 : 1,
  maxNodes: 2,
  capabilities: { models: ["m"], contextLength: 2048, features: [], accelerator: spot ? "nvidia-t4" : "cpu" },
});
/** Outputs of a cloud stack as the fixture configs produce them. */
const cloudStack = (cloud: string, address: string) => ({
  cloud,
  region: "r1",
  clusterName: `llm-${cloud}-dev`,
  kubeconfig: `apiVersion: v1\nkind: Config\n# ${cloud}\n`,
  authMode: "hmac",
  hmacSecret: `${cloud}-hmac-secret-0123456789`,
  pools: {
    cpu: pool(`https://cpu.${cloud}.llm.acme.test`, false),
    gpu: pool(`https://gpu.${cloud}.llm.acme.test`, true),
  },
  exporterEndpoint: `https://exporter.${cloud}.llm.acme.test/v1/pools`,
  ingressAddresses: [address],
  scalingToken: "fixture-scaling-token-0123456789abcdef",
  images: Object.fromEntries(
    ["runtime", "runtimeCuda", "router", "exporter"].map((k, i) => [
      k,
      { registry: `${cloud}.registry.test`, repository: `llm-${k}`, digest: digest(String(i + 1)) },
    ]),
  ),
});
const stackOutputs = {
  "aws-dev": cloudStack("aws", "198.51.100.1"),
  "gcp-dev": cloudStack("gcp", "198.51.100.2"),
  "azure-dev": cloudStack("azure", "198.51.100.3"),
};

let mocks: MockRecorder;
let program: typeof import("../src/index.js");

beforeAll(async () => {
  mocks = await setupPulumiMocks({ stack: "global", config: fixtureConfig("global"), stackOutputs });
  program = await import("../src/index.js");
  await outputValue(program.deployGlobal().outputs.routerConfig);
  await settle(200);
});

// biome-ignore lint/suspicious/noExplicitAny: the test reads nested chart values loosely
const routerValues = () => mocks.one("kubernetes:helm.sh/v3:Release").inputs.values as Record<string, any>;

describe("DNS for the clusters", () => {
  it("points every pool and exporter host of every stack at that cluster's reserved ingress address, unproxied", () => {
    const records = mocks
      .ofType("cloudflare:index/dnsRecord:DnsRecord")
      .map((r) => r.inputs as Record<string, unknown>);
    for (const [stack, out] of Object.entries(stackOutputs))
      for (const host of ["cpu", "gpu", "exporter"].map((h) => `${h}.${out.cloud}.llm.acme.test`))
        expect([stack, records.find((r) => r.name === host)]).toEqual([
          stack,
          expect.objectContaining({ type: "A", content: out.ingressAddresses[0], proxied: false }),
        ]);
  });
});

describe("router", () => {
  it("accepts on /scaling exactly the token every cluster's KEDA sends", () => {
    const secret = mocks.one("kubernetes:core/v1:Secret", "-scaling");
    expect(secret.inputs).toMatchObject({
      metadata: { name: "llm-router-scaling", namespace: "llm-router" },
      stringData: { token: "fixture-scaling-token-0123456789abcdef" },
    });
    expect(routerValues().scaling).toEqual({
      existingSecret: "llm-router-scaling",
      existingSecretKey: "token",
    });
  });

  it("lets the router accept every cloud stack's own scaling token (each stack generates one)", () => {
    expect(
      program.sharedScalingToken(
        ["a", "b", "c"],
        [
          { scalingToken: "x".repeat(16) },
          { scalingToken: "y".repeat(16) },
          { scalingToken: "x".repeat(16) },
        ],
      ),
    ).toBe(`${"x".repeat(16)},${"y".repeat(16)}`);
    expect(() => program.sharedScalingToken(["a", "b"], [{ scalingToken: "x".repeat(16) }, {}])).toThrow(
      /stacks b export no scalingToken/,
    );
    expect(() => program.sharedScalingToken(["a"], [{ scalingToken: "x,y".repeat(8) }])).toThrow(
      /llm-platform:scalingToken must not contain commas/,
    );
  });

  it("runs two replicas on a shared Redis that the router config references", async () => {
    expect(routerValues()).toMatchObject({
      replicaCount: 2,
      autoscaling: { minReplicas: 2 },
      redis: { enabled: true },
    });
    const config = mocks.one("kubernetes:core/v1:Secret", "-config").inputs.stringData as Record<
      string,
      string
    >;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the router resolves ${REDIS_URL} itself
    expect(parse(config["router.yaml"]!).state).toEqual({ redis: "${REDIS_URL}" });
  });

  it("runs the router image the first router stack pushed, by digest", () => {
    expect(routerValues().image).toEqual(stackOutputs["aws-dev"].images.router);
  });
});
