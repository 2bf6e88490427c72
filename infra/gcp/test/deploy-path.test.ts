/**
 * The deploy path of the GCP stack (issue #16), gcp-dev fixture config in helm mode: a private
 * control plane that can reach the webhooks and aggregated APIs, Workload Identity bound after the
 * cluster exists, node pools GKE accepts, images pushed to Artifact Registry, a reserved ingress IP.
 */
import { collectExports } from "@llm/infra-common";
import {
  fixtureConfig,
  type MockRecorder,
  outputValue,
  type RecordedResource,
  settle,
  setupPulumiMocks,
} from "@llm/infra-common/testing";
import { type ResourceGraph, recordResourceGraph } from "@llm/infra-common/testing/resource-graph";

let mocks: MockRecorder;
let graph: ResourceGraph;
let outputs: Record<string, unknown>;

beforeAll(async () => {
  mocks = await setupPulumiMocks({ stack: "gcp-dev", config: fixtureConfig("gcp-dev") });
  graph = recordResourceGraph();
  const { deployGcp } = await import("../src/index.js");
  outputs = await outputValue(collectExports(deployGcp().outputs));
  await settle(200);
});

const urn = (r: RecordedResource) => graph.nodes.find((n) => n.type === r.type && n.name === r.name)!.urn;
const pool = (role: string) => mocks.one("gcp:container/nodePool:NodePool", `llm-${role}`);

describe("private GKE control plane", () => {
  it("may reach the nodes on 8443 (ingress-nginx webhook), 6443 (KEDA / prometheus-adapter APIs) and 9443 (webhooks)", () => {
    const rule = mocks.one("gcp:compute/firewall:Firewall").inputs as {
      direction: string;
      sourceRanges: string[];
      targetTags: string[];
      allows: { protocol: string; ports: string[] }[];
    };
    expect(rule.direction).toBe("INGRESS");
    expect(rule.sourceRanges).toEqual(["172.16.0.16/28"]);
    expect(rule.allows).toEqual([{ protocol: "tcp", ports: ["8443", "6443", "9443"] }]);
    for (const role of ["cpu", "gpu"])
      expect((pool(role).inputs.nodeConfig as { tags: string[] }).tags).toEqual(rule.targetTags);
  });
});

describe("Workload Identity", () => {
  it("binds the exporter's service account with the cluster's own pool, after the cluster exists", () => {
    const binding = mocks.one("gcp:serviceaccount/iAMMember:IAMMember");
    expect(binding.inputs.member).toBe("serviceAccount:acme-llm-test.svc.id.goog[llm/exporters]");
    expect(graph.waitsFor(urn(binding), urn(mocks.one("gcp:container/cluster:Cluster")))).toBe(true);
  });
});

describe("node pools GKE accepts", () => {
  it("creates the GPU pool after the CPU pool (GKE changes one pool of a cluster at a time)", () => {
    expect(graph.waitsFor(urn(pool("gpu")), urn(pool("cpu")))).toBe(true);
  });

  it("bounds both pools by total node counts, so two T4 zones do not double maxNodes", () => {
    expect(pool("gpu").inputs.autoscaling).toMatchObject({ totalMinNodeCount: 0, totalMaxNodeCount: 2 });
    expect(pool("gpu").inputs.autoscaling).not.toHaveProperty("maxNodeCount");
    expect(pool("cpu").inputs.autoscaling).toMatchObject({ totalMinNodeCount: 1, totalMaxNodeCount: 3 });
  });

  it("declares no nvidia.com/gpu taint on the GPU pool (GKE adds it; declaring it too is rejected)", () => {
    const taints = (pool("gpu").inputs.nodeConfig as { taints: { key: string }[] }).taints;
    expect(taints.map((t) => t.key)).not.toContain("nvidia.com/gpu");
  });
});

describe("images and ingress address", () => {
  it("pushes every image by digest to the stack's Artifact Registry with the caller's OAuth token", () => {
    const images = mocks.ofType("docker-build:index:Image");
    expect(images).toHaveLength(4);
    for (const i of images) {
      const [exp] = i.inputs.exports as { registry: { names: string[]; pushByDigest: boolean } }[];
      expect(exp!.registry.names[0]).toMatch(
        /^us-central1-docker\.pkg\.dev\/[^/]+\/llm\/llm-(runtime|router|exporter)$/,
      );
      expect(i.inputs.registries).toEqual([
        {
          address: "us-central1-docker.pkg.dev",
          username: "oauth2accesstoken",
          password: "mock-gcp-access-token",
        },
      ]);
    }
  });

  it("puts ingress-nginx's load balancer on a reserved regional IP and exports it", () => {
    const address = mocks.one("gcp:compute/address:Address");
    expect(address.inputs).toMatchObject({ region: "us-central1", addressType: "EXTERNAL" });
    const ingress = mocks
      .ofType("kubernetes:helm.sh/v3:Release")
      .find((r) => r.inputs.chart === "ingress-nginx")!.inputs.values as {
      controller: { service: { loadBalancerIP: string } };
    };
    expect(outputs.ingressAddresses).toEqual([ingress.controller.service.loadBalancerIP]);
  });
});
