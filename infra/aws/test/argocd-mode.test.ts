/**
 * The AWS stack in Argo CD mode with auth mode none (issue #16): Pulumi installs only Argo CD and
 * hands every stack-specific value to the app-of-apps through the root Application's inline
 * kustomize patches; runtimes without HMAC get no Secret and `auth.mode: none`.
 */
import { buildRouterConfig, type StackOutputs, stackOutputs } from "@llm/contracts";
import { collectExports } from "@llm/infra-common";
import {
  fixtureConfig,
  type MockRecorder,
  outputValue,
  settle,
  setupPulumiMocks,
} from "@llm/infra-common/testing";
import { parse } from "yaml";

let mocks: MockRecorder;
let outputs: StackOutputs;

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    stack: "aws-dev",
    config: fixtureConfig("aws-dev", {
      "llm-platform:deployMode": "argocd",
      "llm-platform:authMode": "none",
      "llm-platform:appsNamespace": "llm-apps",
      "llm-platform:gitRevision": "release-7",
    }),
  });
  const { deployAws } = await import("../src/index.js");
  outputs = stackOutputs.parse(await outputValue(collectExports(deployAws().outputs)));
  await settle(200);
});

interface Patch {
  target: { kind: string; name?: string; labelSelector?: string };
  patch: string;
}
const rootApp = () =>
  mocks.one("kubernetes:argoproj.io/v1alpha1:Application").inputs.spec as {
    source: { repoURL: string; targetRevision: string; path: string; kustomize: { patches: Patch[] } };
  };
const patches = () =>
  // biome-ignore lint/suspicious/noExplicitAny: the test reads nested chart values loosely
  rootApp().source.kustomize.patches.map((p) => ({ ...p, body: parse(p.patch) as { spec: any } }));
const valuesObjectOf = (app: string) =>
  // biome-ignore lint/suspicious/noExplicitAny: the test reads nested chart values loosely
  patches().find((p) => p.target.name === app)!.body.spec.source.helm.valuesObject as Record<string, any>;

describe("Argo CD mode", () => {
  it("installs only Argo CD with Helm; the root app syncs the overlay this stack uses from its fork", () => {
    expect(mocks.ofType("kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart)).toEqual(["argo-cd"]);
    expect(rootApp().source).toMatchObject({
      repoURL: "https://github.com/acme/llm-multicloud.git",
      targetRevision: "release-7",
      path: "clusters/aws/overlays/dev",
    });
  });

  it("makes every child Application follow the stack's repository and revision", () => {
    const all = patches().find(
      (p) => p.target.kind === "Application" && !p.target.name && !p.target.labelSelector,
    )!;
    expect(all.body.spec.source).toEqual({
      repoURL: "https://github.com/acme/llm-multicloud.git",
      targetRevision: "release-7",
    });
  });

  it("moves the apps to the stack's namespace, and the AppProject admits that namespace", () => {
    const ns = patches().find((p) => p.target.labelSelector === "llm.platform/apps-namespace=true")!;
    expect(ns.body.spec.destination).toEqual({ namespace: "llm-apps" });
    const project = mocks.one("kubernetes:argoproj.io/v1alpha1:AppProject").inputs.spec as {
      destinations: { namespace: string }[];
      sourceRepos: string[];
    };
    expect(project.destinations.map((d) => d.namespace)).toContain("llm-apps");
    expect(project.destinations.map((d) => d.namespace)).not.toContain("llm");
    expect(project.sourceRepos).toContain("https://github.com/acme/llm-multicloud.git");
  });

  it("hands the GPU runtime its KEDA router target and URL, its model and its image digest as valuesObject", () => {
    const gpu = valuesObjectOf("llm-runtime-gpu");
    const target = buildRouterConfig([outputs]).clusters.find((c) => c.pool === "gpu")!;
    expect(gpu.autoscaling.keda.router).toMatchObject({
      target: target.name,
      url: "https://router.llm.acme.test",
    });
    expect(gpu.autoscaling.keda.maxReplicaCount).toBe(2);
    expect(gpu.model.name).toBe(target.models?.[0]);
    expect(gpu.image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("hands cluster-autoscaler this cluster's name and IRSA role, and the exporter the cluster name", () => {
    const platform = valuesObjectOf("platform");
    expect(platform.components.clusterAutoscaler.values).toMatchObject({
      autoDiscovery: { clusterName: "llm-aws-dev" },
      rbac: {
        serviceAccount: {
          annotations: {
            "eks.amazonaws.com/role-arn": expect.stringMatching(/^arn:aws:iam::123456789012:role\//),
          },
        },
      },
    });
    expect(platform.clusterIssuer.email).toBe("platform@acme.test");
    expect(valuesObjectOf("exporters").exporter.cluster).toBe(outputs.clusterName);
  });

  it("starts the runtimes with auth mode none and writes no llm-cluster-auth Secret when authMode is not hmac", () => {
    expect(valuesObjectOf("llm-runtime-cpu").auth).toEqual({ mode: "none" });
    expect(valuesObjectOf("llm-runtime-gpu").auth).toEqual({ mode: "none" });
    const names = mocks
      .ofType("kubernetes:core/v1:Secret")
      .map((s) => (s.inputs.metadata as { name: string }).name);
    expect(names).not.toContain("llm-cluster-auth");
    expect(names).toContain("llm-router-scaling");
    expect(outputs.authMode).toBe("none");
  });
});
