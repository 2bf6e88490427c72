import type * as k8s from "@pulumi/kubernetes";
import {
  inputsOf,
  type MockRecorder,
  outputValue,
  settle,
  setupPulumiMocks,
} from "../src/testing/pulumi-mocks.js";

const RELEASE = "kubernetes:helm.sh/v3:Release";
let mocks: MockRecorder;
let lib: typeof import("../src/index.js");
let kube: typeof import("@pulumi/kubernetes");

beforeAll(async () => {
  mocks = await setupPulumiMocks();
  lib = await import("../src/index.js");
  kube = await import("@pulumi/kubernetes");
});

function provider(name: string): k8s.Provider {
  return new kube.Provider(name, { kubeconfig: "apiVersion: v1" });
}

async function platformReleases(cloud: "aws" | "gcp" | "azure") {
  const before = mocks.resources.length;
  const platform = new lib.ClusterPlatform(`${cloud}-platform`, {
    cloud,
    provider: provider(`${cloud}-k8s`),
    clusterName: `llm-${cloud}`,
    region: "r1",
    clusterAutoscalerRoleArn: cloud === "aws" ? "arn:aws:iam::1:role/ca" : undefined,
    acmeEmail: "ops@example.com",
  });
  await outputValue(platform.urn);
  await settle();
  return mocks.resources.slice(before).filter((r) => r.type === RELEASE);
}

describe("ClusterPlatform", () => {
  it("installs the device plugin and cluster-autoscaler on EKS, with the IRSA role on its service account", async () => {
    const releases = await platformReleases("aws");
    const charts = releases.map((r) => inputsOf<k8s.helm.v3.ReleaseArgs>(r).chart);
    expect(charts).toEqual(
      expect.arrayContaining([
        "nvidia-device-plugin",
        "cluster-autoscaler",
        "keda",
        "ingress-nginx",
        "cert-manager",
        "kube-prometheus-stack",
        "argo-cd",
      ]),
    );
    const ca = inputsOf<k8s.helm.v3.ReleaseArgs>(
      releases.find((r) => r.inputs.chart === "cluster-autoscaler")!,
    );
    expect(ca.values).toMatchObject({
      autoDiscovery: { clusterName: "llm-aws" },
      rbac: { serviceAccount: { annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/ca" } } },
    });
  });

  it("leaves GPU drivers and the device plugin to GKE and autoscaling to the cloud", async () => {
    const charts = (await platformReleases("gcp")).map((r) => r.inputs.chart);
    expect(charts).not.toContain("nvidia-device-plugin");
    expect(charts).not.toContain("cluster-autoscaler");
    expect(charts).toContain("keda");
  });

  it("lets the AKS device plugin tolerate the spot taint as well as the GPU taint", async () => {
    const releases = await platformReleases("azure");
    const dp = inputsOf<k8s.helm.v3.ReleaseArgs>(
      releases.find((r) => r.inputs.chart === "nvidia-device-plugin")!,
    );
    const tolerations = (dp.values as { tolerations: { key: string }[] }).tolerations.map((t) => t.key);
    expect(tolerations).toEqual(["nvidia.com/gpu", "kubernetes.azure.com/scalesetpriority"]);
    expect(releases.map((r) => r.inputs.chart)).not.toContain("cluster-autoscaler");
  });

  it("leaves everything but Argo CD to the app-of-apps in argocd mode", () => {
    expect(lib.platformSkipFor("argocd")).not.toContain("argoCd");
    expect(lib.platformSkipFor("argocd")).toContain("ingressNginx");
    expect(lib.platformSkipFor("helm")).toEqual([]);
  });

  it("pins every chart to an exact version from its https repository", () => {
    for (const c of Object.values(lib.platformCharts)) {
      expect(c.version).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(c.repo).toMatch(/^https:\/\//);
    }
  });

  it("creates a Let's Encrypt ClusterIssuer for cert-manager", () => {
    const issuers = mocks.resources.filter(
      (r) => r.type === "kubernetes:cert-manager.io/v1:ClusterIssuer" && r.name.startsWith("aws-platform"),
    );
    expect(issuers).toHaveLength(1);
    expect(issuers[0]!.inputs).toMatchObject({ spec: { acme: { email: "ops@example.com" } } });
  });
});

describe("LlmApps", () => {
  it("deploys the runtime twice and the exporter from this repo's charts with the cloud's values files", async () => {
    const apps = new lib.LlmApps("helm-apps", {
      cloud: "gcp",
      provider: provider("apps-k8s"),
      deployMode: "helm",
      hmacSecret: "s3cret-s3cret-s3cret",
      gitRepoUrl: "https://github.com/example/repo.git",
      repoRoot: "/repo",
    });
    await outputValue(apps.urn);
    await settle();
    const releases = mocks.ofType(RELEASE).filter((r) => r.name.startsWith("helm-apps"));
    const byName = Object.fromEntries(
      releases.map((r) => [r.inputs.name, inputsOf<k8s.helm.v3.ReleaseArgs>(r)]),
    );
    expect(Object.keys(byName).sort()).toEqual(["exporters", "llm-runtime-cpu", "llm-runtime-gpu"]);
    expect(byName["llm-runtime-gpu"]!.chart).toBe("/repo/charts/llm-runtime");
    expect(byName.exporters!.chart).toBe("/repo/charts/exporters");
    // Assets come back from the mock monitor as FileAssets whose path is a promise.
    const assets = byName["llm-runtime-cpu"]!.valueYamlFiles as unknown as { path: Promise<string> }[];
    const files = await Promise.all(assets.map((f) => f.path));
    expect(files).toEqual(["/repo/clusters/gcp/values/llm-runtime-cpu.yaml"]);
    const secret = mocks.one("kubernetes:core/v1:Secret", "helm-apps");
    expect(secret.inputs).toMatchObject({ metadata: { name: "llm-cluster-auth", namespace: "llm" } });
  });

  it("switches the runtimes to auth mode none and writes no Secret when there is no HMAC secret", async () => {
    const apps = new lib.LlmApps("open-apps", {
      cloud: "aws",
      provider: provider("open-k8s"),
      deployMode: "helm",
      repoRoot: "/repo",
    });
    await outputValue(apps.urn);
    await settle();
    const releases = mocks.ofType(RELEASE).filter((r) => r.name.startsWith("open-apps"));
    const values = Object.fromEntries(releases.map((r) => [r.inputs.name, r.inputs.values]));
    expect(values).toEqual({
      "llm-runtime-cpu": { auth: { mode: "none" } },
      "llm-runtime-gpu": { auth: { mode: "none" } },
      exporters: {},
    });
    expect(
      mocks.ofType("kubernetes:core/v1:Secret").filter((r) => r.name.startsWith("open-apps")),
    ).toHaveLength(0);
  });

  it("applies the checked-in root-app.yaml in argocd mode, with repository and revision from config", async () => {
    const apps = new lib.LlmApps("argo-apps", {
      cloud: "azure",
      provider: provider("argo-k8s"),
      deployMode: "argocd",
      gitRepoUrl: "https://github.com/acme/fork.git",
      gitRevision: "v9",
    });
    await outputValue(apps.urn);
    await settle();
    expect(mocks.ofType(RELEASE).filter((r) => r.name.startsWith("argo-apps"))).toHaveLength(0);
    const project = mocks.one("kubernetes:argoproj.io/v1alpha1:AppProject", "argo-apps");
    expect((project.inputs.spec as { sourceRepos: string[] }).sourceRepos).toContain(
      "https://github.com/acme/fork.git",
    );
    const app = mocks.one("kubernetes:argoproj.io/v1alpha1:Application", "argo-apps");
    expect(app.inputs).toMatchObject({
      metadata: { namespace: "argocd" },
      spec: {
        project: "llm-platform",
        source: {
          repoURL: "https://github.com/acme/fork.git",
          targetRevision: "v9",
          path: expect.stringMatching(/^clusters\/azure\//),
        },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
    });
  });

  // The root app no longer comes from a checked-in file (#16: root-app.yaml is generated from
  // rootAppObjects), so there is no file to fall back from: a missing checkout changes nothing.
  it("builds the root app from rootAppObjects whatever the checkout holds, following main by default", async () => {
    const apps = new lib.LlmApps("fallback-apps", {
      cloud: "gcp",
      provider: provider("fallback-k8s"),
      deployMode: "argocd",
      gitRepoUrl: "https://github.com/acme/fork.git",
      repoRoot: "/nonexistent-repo",
    });
    await outputValue(apps.urn);
    await settle();
    const app = mocks.one("kubernetes:argoproj.io/v1alpha1:Application", "fallback-apps");
    expect(app.inputs).toMatchObject({
      spec: { source: { path: "clusters/gcp/overlays/prod", targetRevision: "main" } },
    });
  });

  it("resolves the repository root from the module location", () => {
    expect(lib.chartPath("router")).toMatch(/\/charts\/router$/);
    expect(lib.REPO_ROOT).not.toMatch(/infra/);
  });
});
