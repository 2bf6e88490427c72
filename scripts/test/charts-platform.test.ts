import {
  at,
  helmTemplate,
  type Manifest,
  ofKind,
  validateManifests,
} from "../src/validate-manifests/index.js";

const chart = "charts/platform";
const byChart = (docs: Manifest[], name: string) =>
  ofKind(docs, "Application").find((a) => at(a, "spec.source.chart") === name);

describe("platform chart", () => {
  let docs: Manifest[];
  beforeAll(async () => {
    const r = await helmTemplate(chart, { release: "platform", namespace: "argocd" });
    expect(r.error).toBe("");
    docs = r.docs;
  });

  it("renders valid Argo CD Applications and a ClusterIssuer", () => {
    expect(validateManifests(docs)).toEqual([]);
    expect(ofKind(docs, "Application").map((a) => at(a, "spec.source.chart"))).toEqual(
      expect.arrayContaining([
        "ingress-nginx",
        "cert-manager",
        "kube-prometheus-stack",
        "nvidia-device-plugin",
        "keda",
        "prometheus-adapter",
      ]),
    );
  });

  it("pins every upstream chart to an exact version, in a reviewed project, with finalizer and automated sync", () => {
    for (const app of ofKind(docs, "Application")) {
      expect(at(app, "spec.source.targetRevision")).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(at(app, "spec.project")).toBe("llm-platform");
      expect(at(app, "metadata.finalizers")).toEqual(["resources-finalizer.argocd.argoproj.io"]);
      expect(at(app, "spec.syncPolicy.automated")).toEqual({ prune: true, selfHeal: true });
      expect(at(app, "spec.syncPolicy.syncOptions")).toContain("CreateNamespace=true");
    }
  });

  it("uses server-side apply for the charts with large CRDs", () => {
    for (const name of ["kube-prometheus-stack", "keda", "cert-manager"])
      expect(at(byChart(docs, name), "spec.syncPolicy.syncOptions")).toContain("ServerSideApply=true");
  });

  it("enables the Grafana dashboard sidecar and exposes llm_runtime_queue_depth through prometheus-adapter", () => {
    expect(
      at(byChart(docs, "kube-prometheus-stack"), "spec.source.helm.valuesObject.grafana.sidecar.dashboards"),
    ).toMatchObject({
      enabled: true,
    });
    const rules = at(
      byChart(docs, "prometheus-adapter"),
      "spec.source.helm.valuesObject.rules.custom",
    ) as Manifest[];
    expect(rules.map((r) => at(r, "name.as"))).toContain("llm_runtime_queue_depth");
  });

  it("takes the ACME email and per-cloud component switches from values", async () => {
    const r = await helmTemplate(chart, {
      valueFiles: ["clusters/gcp/values/platform.yaml"],
      set: { "clusterIssuer.email": "ops@corp.example" },
    });
    expect(r.error).toBe("");
    expect(at(ofKind(r.docs, "ClusterIssuer")[0], "spec.acme.email")).toBe("ops@corp.example");
    // GKE runs its own NVIDIA device plugin.
    expect(byChart(r.docs, "nvidia-device-plugin")).toBeUndefined();
  });

  it("rejects the default project and unpinned versions, naming the key", async () => {
    const [project, version] = await Promise.all([
      helmTemplate(chart, { set: { "argocd.project": "default" } }),
      helmTemplate(chart, { set: { "components.keda.version": "latest" } }),
    ]);
    expect(project.error).toContain("argocd.project");
    expect(version.error).toContain("components.keda.version");
  });
});
