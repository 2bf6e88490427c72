import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  chartForValuesFile,
  checkValuesDocs,
  expectedError,
  formatReport,
  type Manifest,
  type Report,
  retryBudgetSeconds,
  validateAll,
  validateManifests,
  validateYaml,
} from "../src/validate-manifests/index.js";

const deployment = (spec: Record<string, unknown>): Manifest => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "llm" },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx" }] },
    },
    ...spec,
  },
});

describe("validateManifests", () => {
  it("accepts valid core objects", () => {
    expect(validateManifests([deployment({ replicas: 2 })])).toEqual([]);
  });

  it("rejects a field of the wrong type and names the object and the field", () => {
    const problems = validateManifests([deployment({ replicas: "two" })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Deployment llm\/web: .*spec\/replicas must be integer/);
  });

  it("rejects an unknown kind instead of skipping it", () => {
    const problems = validateManifests([
      { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } },
    ]);
    expect(problems).toEqual([expect.stringContaining("unknown kind example.com/v1/Widget")]);
  });

  it("rejects API versions Kubernetes no longer serves", () => {
    const problems = validateManifests([
      { apiVersion: "extensions/v1beta1", kind: "Ingress", metadata: { name: "old" }, spec: {} },
    ]);
    expect(problems).toEqual([expect.stringContaining("unknown kind extensions/v1beta1/Ingress")]);
  });

  it("validates CRDs against their schemas: a ScaledObject typo and a missing ServiceMonitor selector fail", () => {
    const problems = validateManifests([
      {
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        metadata: { name: "gpu" },
        spec: { scaleTargetRef: { name: "gpu" }, minReplicas: 0, triggers: [{ type: "cpu", metadata: {} }] },
      },
      { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "m" }, spec: {} },
    ]);
    expect(problems).toEqual([
      expect.stringContaining("ScaledObject gpu: /spec must NOT have additional properties: minReplicas"),
      expect.stringContaining("ServiceMonitor m: /spec must have required property 'selector'"),
    ]);
  });

  it("rejects duplicates, objects without a name, and YAML that does not parse", () => {
    expect(validateManifests([deployment({}), deployment({})])).toEqual([
      expect.stringContaining("defined twice"),
    ]);
    expect(validateManifests([{ apiVersion: "v1", kind: "ConfigMap", metadata: {} }])).toEqual([
      expect.stringContaining("metadata.name is required"),
    ]);
    expect(validateYaml("kind: [unclosed\n").problems).toEqual([expect.stringContaining("YAML error")]);
  });
});

describe("Argo CD retry budget", () => {
  const app = (retry: unknown) => ({ spec: { syncPolicy: { automated: {}, retry } } });
  it("sums the waits Argo CD makes: duration x factor^n, capped at maxDuration, defaults 5s/2/3m", () => {
    expect(
      retryBudgetSeconds(app({ limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } })),
    ).toBe(310);
    expect(
      retryBudgetSeconds(app({ limit: 12, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } })),
    ).toBe(2410);
    expect(retryBudgetSeconds(app({ limit: 3 }))).toBe(5 + 10 + 20);
    expect(retryBudgetSeconds(app({ limit: 2, backoff: { duration: "30", maxDuration: "1m30s" } }))).toBe(
      30 + 60,
    );
    expect(retryBudgetSeconds({ spec: {} })).toBe(0);
  });

  it("fails an automated Application whose retries end before 30 minutes, not a manual one", () => {
    const application = (syncPolicy: unknown): Manifest => ({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: { name: "a", namespace: "argocd" },
      spec: {
        project: "p",
        source: { repoURL: "https://git.test/r.git", path: ".", targetRevision: "v1" },
        destination: { server: "https://kubernetes.default.svc", namespace: "x" },
        syncPolicy,
      },
    });
    expect(validateManifests([application({ automated: {}, retry: { limit: 5 } })])).toEqual([
      expect.stringContaining("retries must outlast CRD installation"),
    ]);
    expect(validateManifests([application({})])).toEqual([]);
    expect(
      validateManifests([
        application({
          automated: {},
          retry: { limit: 12, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } },
        }),
      ]),
    ).toEqual([]);
  });
});

describe("planning helpers", () => {
  it("maps cluster values files to the chart with the longest matching name", () => {
    const charts = ["llm-runtime", "router", "exporters"];
    expect(chartForValuesFile("llm-runtime-gpu.yaml", charts)).toBe("llm-runtime");
    expect(chartForValuesFile("exporters.yaml", charts)).toBe("exporters");
    expect(chartForValuesFile("routers.yaml", charts)).toBeUndefined();
  });

  it("requires a @param line for every values key (or a documented ancestor) and flags stale ones", () => {
    const text = [
      "## @param image.tag Tag",
      "image:",
      "  tag: 1",
      "  pullPolicy: Always",
      "## @param resources Resources as a whole",
      "resources:",
      "  limits: {memory: 1Gi}",
      "## @param gone Removed key",
      "",
    ].join("\n");
    expect(checkValuesDocs(text)).toEqual([
      expect.stringContaining("image.pullPolicy has no"),
      expect.stringContaining("@param gone documents a key that does not exist"),
    ]);
  });

  it("reads the expected error of a negative values file", () => {
    expect(expectedError("# expect-error: model.sha256\nmodel: {}\n")).toBe("model.sha256");
    expect(expectedError("model: {}\n")).toBeUndefined();
  });
});

/** A throwaway repository with broken charts, values and overlays, to prove every check can fail. */
function brokenRepo(): string {
  const root = mkdtempSync(join(tmpdir(), "validate-manifests-"));
  const files: Record<string, string> = {
    "charts/bad/Chart.yaml": "apiVersion: v2\nname: bad\nversion: 0.1.0\n",
    "charts/bad/values.yaml": "replicas: 1\n",
    "charts/bad/values.schema.json": JSON.stringify({
      type: "object",
      properties: { replicas: { type: "integer", minimum: 1 } },
    }),
    // Quoting turns the number into a string: a wrong field type only the schema check sees.
    "charts/bad/templates/deployment.yaml": [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata:",
      "  name: bad",
      "spec:",
      "  replicas: {{ .Values.replicas | quote }}",
      "  selector: {matchLabels: {app: bad}}",
      "  template:",
      "    metadata: {labels: {app: bad}}",
      "    spec: {containers: [{name: c, image: nginx}]}",
      "",
    ].join("\n"),
    "charts/bad/ci/invalid/accepted.yaml": "# expect-error: replicas\nreplicas: 2\n",
    "charts/bad/ci/invalid/wrong-message.yaml": "# expect-error: something.else\nreplicas: 0\n",
    "charts/bad/ci/invalid/rejected.yaml": "# expect-error: replicas\nreplicas: 0\n",
    "charts/widget/Chart.yaml": "apiVersion: v2\nname: widget\nversion: 0.1.0\n",
    "charts/widget/templates/widget.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
    "clusters/aws/values/nochart.yaml": "a: 1\n",
    // A chart that needs a value only the stack knows; the per-cloud file lacks it, the stand-in has it.
    "charts/needs/Chart.yaml": "apiVersion: v2\nname: needs\nversion: 0.1.0\n",
    "charts/needs/templates/cm.yaml": [
      '{{- if not .Values.host }}{{ fail "host is required" }}{{ end }}',
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata: {name: needs}",
      "data: {host: {{ .Values.host | quote }}}",
      "",
    ].join("\n"),
    "clusters/aws/values/needs.yaml": "other: 1\n",
    "clusters/gcp/values/needs.yaml": "other: 1\n",
    "scripts/src/validate-manifests/stack-values/needs.yaml": "host: a.stack.test\n",
    // Automated, with Argo CD's 5 tries of 10 s doubling to 5 min (310 s): gives up before CRDs exist.
    "clusters/gcp/overlays/prod/kustomization.yaml": "resources:\n  - app.yaml\n",
    "clusters/gcp/overlays/prod/app.yaml": [
      "apiVersion: argoproj.io/v1alpha1",
      "kind: Application",
      "metadata: {name: short, namespace: argocd}",
      "spec:",
      "  project: llm-platform",
      "  source: {repoURL: 'https://git.test/r.git', path: charts/needs, targetRevision: v1}",
      "  destination: {server: 'https://kubernetes.default.svc', namespace: llm}",
      "  syncPolicy:",
      "    automated: {prune: true}",
      "    retry: {limit: 5, backoff: {duration: 10s, factor: 2, maxDuration: 5m}}",
      "",
    ].join("\n"),
    "clusters/aws/overlays/prod/kustomization.yaml": "resources:\n  - app.yaml\n",
    "clusters/aws/overlays/prod/app.yaml": [
      "apiVersion: argoproj.io/v1alpha1",
      "kind: Application",
      "metadata: {name: missing, namespace: argocd}",
      "spec:",
      "  project: llm-platform",
      "  source: {repoURL: 'https://example.com/r.git', path: charts/missing, targetRevision: v1}",
      "  destination: {server: 'https://kubernetes.default.svc', namespace: llm}",
      "",
    ].join("\n"),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("validateAll", () => {
  let repo: Report;
  let broken: Report;
  let brokenRoot: string;
  beforeAll(async () => {
    brokenRoot = brokenRepo();
    [repo, broken] = await Promise.all([validateAll(), validateAll({ root: brokenRoot })]);
  });
  afterAll(() => rmSync(brokenRoot, { recursive: true, force: true }));

  it("passes on this repository: every chart, values file, negative case and overlay", () => {
    const failures = repo.results.filter((r) => !r.ok).map((r) => `${r.what}: ${r.problems.join("; ")}`);
    expect(failures).toEqual([]);
    expect(repo.ok).toBe(true);
    const whats = repo.results.map((r) => r.what);
    for (const expected of [
      "charts/llm-runtime (defaults)",
      "charts/router (defaults)",
      "charts/platform (defaults)",
      "charts/llm-runtime clusters/aws/values/llm-runtime-gpu.yaml",
      "clusters/gcp/overlays/prod",
      "clusters/azure/overlays/gpu",
      "clusters/aws/root-app.yaml",
    ])
      expect(whats).toContain(expected);
    expect(repo.results.filter((r) => r.type === "reject").length).toBeGreaterThanOrEqual(10);
  });

  it("fails a broken repository, row by row, for the right reason", () => {
    const row = (what: string) => broken.results.find((r) => r.what === what);
    expect(broken.ok).toBe(false);
    expect(row("charts/bad (defaults)")?.problems).toEqual([
      expect.stringContaining("spec/replicas must be integer"),
    ]);
    expect(row("charts/bad ci/invalid/accepted.yaml")?.problems).toEqual([
      "values were accepted but must be rejected",
    ]);
    expect(row("charts/bad ci/invalid/wrong-message.yaml")?.problems).toEqual([
      expect.stringContaining('does not name "something.else"'),
    ]);
    expect(row("charts/bad ci/invalid/rejected.yaml")?.ok).toBe(true);
    expect(row("charts/bad values.yaml @param docs")?.problems).toEqual([
      expect.stringContaining("replicas has no"),
    ]);
    expect(row("charts/widget (defaults)")?.problems).toEqual([expect.stringContaining("unknown kind")]);
    expect(row("clusters/aws/values/nochart.yaml")?.ok).toBe(false);
    expect(row("clusters/aws/overlays/prod")?.problems).toEqual([
      expect.stringContaining("source.path charts/missing does not exist"),
    ]);
    expect(row("clusters/gcp/overlays/prod")?.problems).toEqual([
      expect.stringContaining("syncPolicy.retry waits 310 s in total, less than 1800 s"),
    ]);
    // Cloud values files render with the stand-in stack values layered over them.
    expect(row("charts/needs clusters/aws/values/needs.yaml")?.ok).toBe(true);
  });

  it("prints a table of what, documents and result, then the failures", () => {
    const text = formatReport(broken);
    expect(text.split("\n")[0]).toMatch(/^what\s+documents\s+result$/);
    expect(text).toMatch(/charts\/bad ci\/invalid\/rejected\.yaml\s+-\s+pass \(rejected\)/);
    expect(text).toContain("FAIL charts/widget (defaults)");
    expect(text).toMatch(/checks passed in .* - FAILED$/);
  });
});
