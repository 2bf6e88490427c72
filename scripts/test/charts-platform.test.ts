import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { repoRoot } from "../src/fetch-tools/main.js";
import {
  at,
  helmTemplate,
  type Manifest,
  MIN_RETRY_BUDGET_SECONDS,
  ofKind,
  retryBudgetSeconds,
  syncOptions,
  syncWave,
  validateManifests,
} from "../src/validate-manifests/index.js";

const chart = "charts/platform";
const byChart = (docs: Manifest[], name: string) =>
  ofKind(docs, "Application").find((a) => at(a, "spec.source.chart") === name);

/** Paths of every null inside a value (Argo CD drops them from valuesObject: argo-cd#16312). */
const nullPaths = (v: unknown, path = ""): string[] =>
  v === null
    ? [path]
    : typeof v === "object"
      ? Object.entries(v as object).flatMap(([k, x]) => nullPaths(x, `${path}.${k}`))
      : [];

/** Whether a node with these labels satisfies a pod's required node affinity (terms ORed, expressions ANDed). */
function matchesAffinity(affinity: unknown, labels: Record<string, string>): boolean {
  const terms = at(
    affinity,
    "nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms",
  ) as { matchExpressions: { key: string; operator: string; values?: string[] }[] }[] | undefined;
  if (!terms) return true;
  return terms.some((t) =>
    t.matchExpressions.every((e) => {
      const v = labels[e.key];
      if (e.operator === "Exists") return v !== undefined;
      if (e.operator === "DoesNotExist") return v === undefined;
      if (e.operator === "In") return v !== undefined && (e.values ?? []).includes(v);
      if (e.operator === "NotIn") return v === undefined || !(e.values ?? []).includes(v);
      throw new Error(`operator ${e.operator} not handled by this test`);
    }),
  );
}

// Node labels our pools set (infra/common/src/pools/defaults.ts: POOL_LABEL, ACCELERATOR_LABEL),
// plus what EKS/AKS put on a GPU node; NFD's pci-10de label is absent (no NFD installed).
const gpuNode = {
  "llm.platform/pool": "gpu",
  "llm.platform/accelerator": "nvidia-t4",
  "kubernetes.io/os": "linux",
  "node.kubernetes.io/instance-type": "g4dn.xlarge",
};
const cpuNode = { "llm.platform/pool": "cpu", "kubernetes.io/os": "linux" };

/** What a stack passes on top of the per-cloud values (stand-in shared with validate-manifests). */
const stackValues = "scripts/src/validate-manifests/stack-values/platform.yaml";

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

  it("orders CRD owners first: kube-prometheus-stack, then the charts shipping ServiceMonitors, the ClusterIssuer last", () => {
    const wave = (chart: string) => syncWave(byChart(docs, chart));
    const monitoring = wave("kube-prometheus-stack");
    // cert-manager, KEDA and ingress-nginx ship ServiceMonitors (CRD of kube-prometheus-stack).
    for (const chart of [
      "cert-manager",
      "keda",
      "ingress-nginx",
      "prometheus-adapter",
      "nvidia-device-plugin",
    ])
      expect(wave(chart)).toBeGreaterThan(monitoring);
    // Ingresses need ingress-nginx's admission webhook; ScaledObjects need KEDA: both before wave 0.
    expect(wave("ingress-nginx")).toBeLessThan(0);
    expect(wave("keda")).toBeLessThan(0);
    const issuer = ofKind(docs, "ClusterIssuer")[0];
    for (const app of ofKind(docs, "Application")) expect(syncWave(issuer)).toBeGreaterThan(syncWave(app));
    expect(
      (at(issuer, "metadata.annotations") as Record<string, string>)["argocd.argoproj.io/sync-options"],
    ).toBe("SkipDryRunOnMissingResource=true");
  });

  it("retries every Application for at least 30 minutes and skips the dry run of CRs whose CRD is not there yet", () => {
    for (const app of ofKind(docs, "Application")) {
      expect(retryBudgetSeconds(app)).toBeGreaterThanOrEqual(MIN_RETRY_BUDGET_SECONDS);
      expect(syncOptions(app)).toContain("SkipDryRunOnMissingResource=true");
    }
  });

  it("schedules the NVIDIA device plugin on our GPU nodes with explicit values, never a null Argo CD would drop", async () => {
    for (const cloud of ["aws", "azure"]) {
      const r = await helmTemplate(chart, {
        namespace: "argocd",
        valueFiles: [`clusters/${cloud}/values/platform.yaml`, stackValues],
      });
      expect(r.error).toBe("");
      const plugin = byChart(r.docs, "nvidia-device-plugin");
      const values = at(plugin, "spec.source.helm.valuesObject");
      expect(matchesAffinity(at(values, "affinity"), gpuNode)).toBe(true);
      expect(matchesAffinity(at(values, "affinity"), cpuNode)).toBe(false);
      expect(at(values, "nodeSelector")).toBeUndefined();
      for (const app of ofKind(r.docs, "Application"))
        expect(nullPaths(at(app, "spec.source.helm.valuesObject"))).toEqual([]);
    }
  });

  it("refuses cluster-autoscaler on aws without the stack's cluster name and IRSA role, naming the key", async () => {
    const [none, placeholder, ok] = await Promise.all([
      helmTemplate(chart, { valueFiles: ["clusters/aws/values/platform.yaml"] }),
      helmTemplate(chart, {
        valueFiles: ["clusters/aws/values/platform.yaml", stackValues],
        values: {
          // --set-json replaces the subtree it names: only the annotations, as the old file had them.
          "components.clusterAutoscaler.values.rbac.serviceAccount.annotations": {
            "eks.amazonaws.com/role-arn": "arn:aws:iam::000000000000:role/llm-aws-prod-cluster-autoscaler",
          },
        },
      }),
      helmTemplate(chart, { valueFiles: ["clusters/aws/values/platform.yaml", stackValues] }),
    ]);
    expect(none.error).toContain("components.clusterAutoscaler.values.autoDiscovery.clusterName");
    expect(placeholder.error).toContain("000000000000");
    expect(ok.error).toBe("");
    const ca = at(byChart(ok.docs, "cluster-autoscaler"), "spec.source.helm.valuesObject");
    expect(at(ca, "autoDiscovery.clusterName")).toBe("llm-aws-dev");
    // The autoscaler's minor must match the cluster's (EKS 1.34 in the shipped stacks); chart 9.59.0 defaults to v1.35.0.
    expect(at(ca, "image.tag")).toMatch(/^v1\.34\.\d+$/);
  });

  it("installs metrics-server on EKS only (GKE and AKS run their own), before the apps' HPAs", async () => {
    for (const cloud of ["aws", "gcp", "azure"]) {
      const r = await helmTemplate(chart, {
        namespace: "argocd",
        valueFiles: [`clusters/${cloud}/values/platform.yaml`, stackValues],
      });
      expect(r.error).toBe("");
      const ms = byChart(r.docs, "metrics-server");
      if (cloud === "aws") {
        expect(at(ms, "spec.source.targetRevision")).toBe("3.13.1");
        expect(syncWave(ms)).toBeLessThan(0);
      } else expect(ms).toBeUndefined();
    }
  });

  it("pins only versions listed with a source and a date in infra/pins.yaml (chart tags that exist)", () => {
    const pins = (parse(readFileSync(join(repoRoot, "infra/pins.yaml"), "utf8")) as { pins: Manifest[] })
      .pins;
    const has = (kind: string, name: string, version: string) =>
      pins.some(
        (p) =>
          p.kind === kind &&
          (p.name === name || String(p.name).endsWith(`/${name}`)) &&
          String(p.version) === version &&
          /^https:\/\//.test(String(p.source)) &&
          /^\d{4}-\d{2}-\d{2}$/.test(String(p.date)),
      );
    const values = parse(readFileSync(join(repoRoot, chart, "values.yaml"), "utf8")) as {
      components: Record<string, { chart: string; version: string }>;
    };
    const missing = Object.values(values.components)
      .filter((c) => !has("chart", c.chart, c.version))
      .map((c) => `${c.chart} ${c.version}`);
    // Image tags the per-cloud values pin on upstream charts (cluster-autoscaler follows EKS's minor).
    const aws = parse(readFileSync(join(repoRoot, "clusters/aws/values/platform.yaml"), "utf8"));
    const caTag = at(aws, "components.clusterAutoscaler.values.image.tag") as string;
    if (!has("image", "cluster-autoscaler", caTag)) missing.push(`cluster-autoscaler image ${caTag}`);
    const router = parse(readFileSync(join(repoRoot, "charts/router/values.yaml"), "utf8"));
    const [redis, redisTag] = (at(router, "redis.image") as string).split(":") as [string, string];
    if (!has("image", redis, redisTag)) missing.push(`${redis}:${redisTag}`);
    expect(missing).toEqual([]);
  });

  it("keeps no stack-specific value in the per-cloud platform values (Pulumi passes them)", () => {
    for (const cloud of ["aws", "gcp", "azure"]) {
      const text = readFileSync(join(repoRoot, "clusters", cloud, "values", "platform.yaml"), "utf8");
      expect(text).not.toMatch(/example\.(com|org)|000000000000|llm-[a-z]+-prod|changeme/);
    }
  });

  it("restores Application health in Argo CD's own values, with the script of the Argo CD docs", () => {
    const values = parse(
      readFileSync(join(repoRoot, "clusters/base/argocd/values.yaml"), "utf8"),
    ) as Manifest;
    const script = (at(values, "configs.cm") as Record<string, string>)[
      "resource.customizations.health.argoproj.io_Application"
    ];
    // operator-manual/health.md ("Argocd App"), whitespace-normalised.
    const docs = `hs = {} hs.status = "Progressing" hs.message = "" if obj.status ~= nil then if obj.status.health ~= nil then
      hs.status = obj.status.health.status if obj.status.health.message ~= nil then hs.message = obj.status.health.message
      end end end return hs`;
    const norm = (t: string) => t.replace(/\s+/g, " ").trim();
    expect(norm(script ?? "")).toBe(norm(docs));
    expect((at(values, "configs.params") as Record<string, unknown>)["server.insecure"]).toBe(true);
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
