/**
 * The deploy path of the AWS stack (issue #16), run with the aws-dev fixture config in helm mode:
 * CRD owners before their custom resources, the platform EKS needs, images built and pinned by
 * digest, and the names that cross parts (router targets, exporter cluster, models) from one source.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildRouterConfig, type StackOutputs, stackOutputs } from "@llm/contracts";
import { collectExports, REPO_ROOT } from "@llm/infra-common";
import {
  fixtureConfig,
  isSecretInput,
  type MockRecorder,
  outputValue,
  type RecordedResource,
  settle,
  setupPulumiMocks,
} from "@llm/infra-common/testing";
import { type ResourceGraph, recordResourceGraph } from "@llm/infra-common/testing/resource-graph";
import { parse } from "yaml";

const RELEASE = "kubernetes:helm.sh/v3:Release";
let mocks: MockRecorder;
let graph: ResourceGraph;
let outputs: StackOutputs;

beforeAll(async () => {
  mocks = await setupPulumiMocks({ stack: "aws-dev", config: fixtureConfig("aws-dev") });
  graph = recordResourceGraph();
  const { deployAws } = await import("../src/index.js");
  const stack = deployAws();
  outputs = stackOutputs.parse(await outputValue(collectExports(stack.outputs)));
  await settle(200);
});

/** The release installing `chart` (upstream chart name, or release name for this repo's charts). */
const release = (chart: string): RecordedResource => {
  const found = mocks.ofType(RELEASE).filter((r) => r.inputs.chart === chart || r.inputs.name === chart);
  if (found.length !== 1) throw new Error(`expected one release of ${chart}, found ${found.length}`);
  return found[0]!;
};
const urn = (r: RecordedResource) => graph.nodes.find((n) => n.type === r.type && n.name === r.name)!.urn;
// biome-ignore lint/suspicious/noExplicitAny: the test reads nested chart values loosely
const values = (chart: string) => release(chart).inputs.values as Record<string, any>;

describe("custom resources after their CRDs (helm mode)", () => {
  it.each([
    "ingress-nginx",
    "keda",
    "cert-manager",
    "prometheus-adapter",
    "observability",
    "llm-runtime-cpu",
    "llm-runtime-gpu",
    "exporters",
  ])(
    "installs %s (it ships ServiceMonitors or PrometheusRules) only after kube-prometheus-stack",
    (chart) => {
      expect(graph.waitsFor(urn(release(chart)), urn(release("kube-prometheus-stack")))).toBe(true);
    },
  );

  it("creates the ClusterIssuer after cert-manager, and the runtimes after KEDA (ScaledObject) and the issuer", () => {
    const issuer = mocks.one("kubernetes:cert-manager.io/v1:ClusterIssuer");
    expect(graph.waitsFor(urn(issuer), urn(release("cert-manager")))).toBe(true);
    for (const app of ["llm-runtime-cpu", "llm-runtime-gpu", "exporters"]) {
      expect(graph.waitsFor(urn(release(app)), urn(release("keda")))).toBe(true);
      expect(graph.waitsFor(urn(release(app)), urn(issuer))).toBe(true);
      expect(graph.waitsFor(urn(release(app)), urn(release("ingress-nginx")))).toBe(true);
    }
  });
});

describe("the platform EKS needs (helm mode)", () => {
  it("installs metrics-server (HPAs read CPU through it) and prometheus-adapter (llm_runtime_queue_depth)", () => {
    expect(release("metrics-server").inputs).toMatchObject({ version: "3.13.1", namespace: "kube-system" });
    const adapter = values("prometheus-adapter");
    expect(JSON.stringify(adapter.rules?.custom)).toContain("llm_runtime_queue_depth");
  });

  it("deploys the observability chart and lets Prometheus select every release's rules and monitors", () => {
    expect(release("observability").inputs.chart).toMatch(/\/charts\/observability$/);
    expect(values("kube-prometheus-stack").prometheus.prometheusSpec).toMatchObject({
      ruleSelectorNilUsesHelmValues: false,
      serviceMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelectorNilUsesHelmValues: false,
    });
  });

  it("restores Argo CD's health check of Application resources, so sync waves between apps order something", () => {
    const cm = values("argo-cd").configs.cm as Record<string, string>;
    expect(cm["resource.customizations.health.argoproj.io_Application"]).toContain(
      "obj.status.health.status",
    );
  });

  it("points cluster-autoscaler at this stack's cluster and IRSA role, on the image of the cluster's minor", () => {
    const ca = values("cluster-autoscaler");
    const role = mocks.one("aws:iam/role:Role", "llm-cluster-autoscaler");
    expect(ca).toMatchObject({
      autoDiscovery: { clusterName: outputs.clusterName },
      awsRegion: "us-east-1",
      image: { tag: "v1.34.5" },
      rbac: {
        serviceAccount: {
          annotations: { "eks.amazonaws.com/role-arn": `arn:aws:iam::123456789012:role/${role.name}` },
        },
      },
    });
    expect(JSON.stringify(ca)).not.toMatch(/000000000000|llm-aws-prod/);
  });

  it("binds ingress-nginx's NLB to one reserved Elastic IP per AZ and exports them", () => {
    const eips = mocks.ofType("aws:ec2/eip:Eip").filter((r) => r.name.startsWith("llm-ingress"));
    expect(eips).toHaveLength(3);
    const annotations = values("ingress-nginx").controller.service.annotations;
    expect(annotations["service.beta.kubernetes.io/aws-load-balancer-eip-allocations"]).toBe(
      eips.map((e) => `eipalloc-${e.name}`).join(","),
    );
    expect(outputs.ingressAddresses).toHaveLength(3);
  });
});

describe("images", () => {
  const images = () => mocks.ofType("docker-build:index:Image");

  it("builds the CPU and CUDA runtime, router and exporter images from this checkout for linux/amd64", () => {
    const byDockerfile = Object.fromEntries(
      images().map((i) => [
        path.relative(REPO_ROOT, (i.inputs.dockerfile as { location: string }).location),
        i.inputs,
      ]),
    );
    expect(Object.keys(byDockerfile).sort()).toEqual([
      "exporters/Dockerfile",
      "router/Dockerfile",
      "runtime/Dockerfile",
      "runtime/Dockerfile.cuda",
    ]);
    for (const i of Object.values(byDockerfile)) {
      expect(i.context).toEqual({ location: REPO_ROOT });
      expect(i.platforms).toEqual(["linux/amd64"]);
    }
  });

  it("pushes them by digest to this stack's ECR repositories with a short-lived ECR token", () => {
    expect(images()).toHaveLength(4);
    for (const i of images()) {
      const [exp] = i.inputs.exports as { registry: { names: string[]; pushByDigest: boolean } }[];
      expect(exp!.registry.pushByDigest).toBe(true);
      expect(exp!.registry.names[0]).toMatch(
        /^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/llm-(runtime|router|exporter)$/,
      );
      const [reg] = i.inputs.registries as { address: string; username: string; password: string }[];
      expect(reg).toEqual({
        address: "123456789012.dkr.ecr.us-east-1.amazonaws.com",
        username: "AWS",
        password: "mock-ecr-token",
      });
      expect(isSecretInput(i, ["registries", "0", "password"])).toBe(true);
    }
  });

  it("runs exactly the pushed digests: CPU image on the CPU pool, CUDA image on the GPU pool", () => {
    const digestOf = (dockerfile: string) =>
      images().find((i) => (i.inputs.dockerfile as { location: string }).location.endsWith(dockerfile))!;
    // The mock monitor reports sha256(<resource name>) as an image's pushed digest.
    const sha = (name: string) => `sha256:${createHash("sha256").update(name).digest("hex")}`;
    expect(values("llm-runtime-cpu").image.digest).toBe(sha(digestOf("runtime/Dockerfile").name));
    expect(values("llm-runtime-gpu").image.digest).toBe(sha(digestOf("runtime/Dockerfile.cuda").name));
    expect(values("exporters").image.digest).toBe(sha(digestOf("exporters/Dockerfile").name));
    expect(outputs.images?.router.digest).toBe(sha(digestOf("router/Dockerfile").name));
  });
});

describe("names from one source", () => {
  const routerConfig = () => buildRouterConfig([outputs]);

  it("points KEDA at the router target buildRouterConfig names for the GPU pool, on the public router URL", () => {
    const gpuTarget = routerConfig().clusters.find((c) => c.pool === "gpu")!;
    expect(values("llm-runtime-gpu").autoscaling.keda.router).toMatchObject({
      target: gpuTarget.name,
      url: "https://router.llm.acme.test",
      tokenSecret: { name: "llm-router-scaling", key: "token" },
    });
    expect(gpuTarget.name).toBe("aws-llm-aws-dev-gpu");
  });

  it("writes the scaling token KEDA sends into llm-router-scaling, and exports the same token as a secret", () => {
    const secret = mocks.one("kubernetes:core/v1:Secret", "llm-scaling");
    expect(secret.inputs).toMatchObject({
      metadata: { name: "llm-router-scaling", namespace: "llm" },
      stringData: { token: outputs.scalingToken },
    });
    expect(isSecretInput(secret, ["stringData", "token"])).toBe(true);
  });

  it("reports the stack's cluster name from the exporter, with a pool for every router target, reachable on its host", () => {
    const exporter = values("exporters");
    expect(exporter.exporter.cluster).toBe(outputs.clusterName);
    const pools = (exporter.pools as { name: string }[]).map((p) => p.name).sort();
    expect(pools).toEqual([...new Set(routerConfig().clusters.map((c) => c.pool))].sort());
    expect(outputs.exporterEndpoint).toBe("https://exporter.aws.llm.acme.test/v1/pools");
    expect(exporter.ingress).toEqual({ enabled: true, host: "exporter.aws.llm.acme.test" });
    expect(routerConfig().clusters.every((c) => c.exporterEndpoint === outputs.exporterEndpoint)).toBe(true);
  });

  it("serves on each pool the catalog model the router advertises for it, with the same context", () => {
    const catalog = parse(readFileSync(path.join(REPO_ROOT, "models", "catalog.yaml"), "utf8")) as {
      models: { name: string; uri: string; sha256?: string; contextLength: number }[];
    };
    for (const target of routerConfig().clusters) {
      const v = values(`llm-runtime-${target.pool}`);
      const entry = catalog.models.find((m) => m.name === v.model.name)!;
      expect(target.models).toEqual([v.model.name]);
      expect(target.contextLength).toBe(v.runtime.ctxSize);
      expect(v.model).toMatchObject({ uri: entry.uri, sha256: entry.sha256 });
      expect(v.runtime.ctxSize).toBeLessThanOrEqual(entry.contextLength);
    }
  });

  it("gives each pool's Ingress the host of the endpoint the router targets", () => {
    for (const target of routerConfig().clusters)
      expect(values(`llm-runtime-${target.pool}`).ingress.host).toBe(new URL(target.endpoint ?? "").hostname);
  });
});
