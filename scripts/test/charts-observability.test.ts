import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";

const run = promisify(execFile);
const ROOT = new URL("../../", import.meta.url).pathname;
const CHART = join(ROOT, "charts/observability");
const PROMTOOL = join(ROOT, ".tools/bin/promtool");
const HELM = join(ROOT, ".tools/bin/helm");

/** Every metric a dashboard may query: router, runtime, exporter and kube-state-metrics names. */
const KNOWN_METRICS = new Set([
  "llm_router_routing_decisions_total",
  "llm_router_provider_health",
  "llm_router_cluster_health",
  "llm_router_provider_cost_per_1k_tokens",
  "llm_router_cluster_cost_per_1k_tokens",
  "llm_router_requests_total",
  "llm_router_request_duration_seconds_bucket",
  "llm_router_time_to_first_token_seconds_bucket",
  "llm_router_tokens_total",
  "llm_router_external_requests_total",
  "llm_router_retries_total",
  "llm_router_circuit_state",
  "llm_router_cost_usd_total",
  "llm_router_tenant_cost_usd_total",
  "llm_router_pending_demand",
  "llm_router_cluster_queue_depth",
  "llm_runtime_time_to_first_token_seconds_bucket",
  "llm_runtime_request_duration_seconds_bucket",
  "llm_runtime_tokens_per_second",
  "llm_runtime_queue_depth",
  "llm_runtime_active_sequences",
  "llm_cluster_cost_per_1k_tokens",
  "llm_cluster_cost_per_hour",
  "llm_cluster_queue_depth",
  "llm_cluster_pool_ready_replicas",
  "llm_cluster_tokens_per_second",
  "kube_deployment_status_replicas",
]);

/** Metrics the issue asks the dashboards to show. */
const REQUIRED = [
  "llm_router_routing_decisions_total",
  "llm_router_cluster_cost_per_1k_tokens",
  "llm_router_provider_cost_per_1k_tokens",
  "llm_cluster_cost_per_1k_tokens",
  "llm_router_tenant_cost_usd_total",
  "llm_router_request_duration_seconds_bucket",
  "llm_router_time_to_first_token_seconds_bucket",
  "llm_runtime_time_to_first_token_seconds_bucket",
  "llm_runtime_queue_depth",
  "llm_cluster_queue_depth",
  "kube_deployment_status_replicas",
  "llm_cluster_pool_ready_replicas",
  "llm_router_pending_demand",
];

const metricNames = (expr: string) => [...expr.matchAll(/\b(?:llm|kube)_[a-z0-9_]+/g)].map((m) => m[0]);

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string; refId: string }[];
  panels?: Panel[];
}

async function dashboards(): Promise<
  [string, { uid: string; title: string; panels: Panel[]; templating: { list: { name: string }[] } }][]
> {
  const dir = join(CHART, "dashboards");
  const files = (await readdir(dir)).filter((f) => f.endsWith(".json")).sort();
  return Promise.all(
    files.map(async (f) => [f, JSON.parse(await readFile(join(dir, f), "utf8"))] as const),
  ) as never;
}

async function helmTemplate(valuesFile?: string): Promise<Record<string, unknown>[]> {
  const args = ["template", "obs", CHART, "--namespace", "monitoring"];
  if (valuesFile) args.push("-f", valuesFile);
  const { stdout } = await run(HELM, args, { maxBuffer: 16 * 1024 * 1024 });
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .filter((d): d is Record<string, unknown> => d !== null);
}

describe("observability chart: Grafana dashboards", () => {
  it("are valid JSON with unique uids and a Prometheus data source variable", async () => {
    const all = await dashboards();
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(new Set(all.map(([, d]) => d.uid)).size).toBe(all.length);
    for (const [, d] of all) {
      expect(d.title).toMatch(/^LLM \//);
      expect(d.templating.list.map((v) => v.name)).toContain("datasource");
    }
  });

  it("give every panel a query that references only known metrics", async () => {
    for (const [file, d] of await dashboards()) {
      const panels = d.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== "row");
      expect(panels.length).toBeGreaterThan(0);
      for (const p of panels) {
        const exprs = (p.targets ?? []).map((t) => t.expr);
        expect({ file, panel: p.title, hasQuery: exprs.length > 0 }).toEqual({
          file,
          panel: p.title,
          hasQuery: true,
        });
        for (const expr of exprs) {
          const names = metricNames(expr);
          expect({ file, panel: p.title, names: names.length > 0 }).toEqual({
            file,
            panel: p.title,
            names: true,
          });
          for (const n of names)
            expect({ file, metric: n, known: KNOWN_METRICS.has(n) }).toEqual({
              file,
              metric: n,
              known: true,
            });
        }
      }
    }
  });

  it("cover every metric the platform asks to see", async () => {
    const used = new Set(
      (await dashboards()).flatMap(([, d]) =>
        d.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNames(t.expr))),
      ),
    );
    expect(REQUIRED.filter((m) => !used.has(m))).toEqual([]);
  });
});

describe("observability chart: alert rules", () => {
  it("pass promtool check rules", async () => {
    const { stdout } = await run(PROMTOOL, ["check", "rules", join(CHART, "files/rules.yaml")]);
    expect(stdout).toContain("SUCCESS: 4 rules found");
  });

  it("fire as the promtool unit tests expect (all clusters unhealthy, circuit open, GPU stuck cold, budget burn)", async () => {
    const { stdout } = await run(PROMTOOL, ["test", "rules", join(CHART, "tests/rules.test.yaml")]);
    expect(stdout).toContain("SUCCESS");
  });
});

describe("observability chart: scale-to-zero alert", () => {
  it("LLMGpuPoolStuckCold reads only the router's own per-target series, at the threshold KEDA activates on", async () => {
    const docs = await helmTemplate();
    const rule = docs.find((d) => d.kind === "PrometheusRule") as {
      spec: { groups: { rules: { alert: string; expr: string }[] }[] };
    };
    const expr = rule.spec.groups
      .flatMap((g) => g.rules)
      .find((r) => r.alert === "LLMGpuPoolStuckCold")!.expr;
    // The router runs in another cluster than the GPU pools: no exporter or kube series in the join.
    expect(new Set(metricNames(expr))).toEqual(
      new Set(["llm_router_pending_demand", "llm_router_target_cold"]),
    );
    expect(expr).toMatch(/and on \(target\)/);
    // Below KEDA's activation value the pool is rightly left at zero: the alert uses the same number.
    const runtimeValues = parseAllDocuments(
      await readFile(join(ROOT, "charts/llm-runtime/values.yaml"), "utf8"),
    )[0]!.toJS() as {
      autoscaling: { keda: { router: { activationValue: string } } };
    };
    const threshold = Number(/llm_router_pending_demand\) > ([0-9.]+)/.exec(expr)?.[1]);
    expect(threshold).toBe(Number(runtimeValues.autoscaling.keda.router.activationValue));
  });
});

describe("observability chart: rendering", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "obs-chart-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("renders one sidecar-labelled ConfigMap per dashboard and the PrometheusRule from files/rules.yaml", async () => {
    const docs = await helmTemplate(join(CHART, "ci/default-values.yaml"));
    const cms = docs.filter((d) => d.kind === "ConfigMap") as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string>; namespace: string };
      data: Record<string, string>;
    }[];
    expect(cms).toHaveLength((await dashboards()).length);
    for (const cm of cms) {
      expect(cm.metadata.labels.grafana_dashboard).toBe("1");
      expect(cm.metadata.annotations.grafana_folder).toBe("LLM");
      expect(cm.metadata.namespace).toBe("monitoring");
      const [json] = Object.values(cm.data);
      expect(JSON.parse(json!).panels.length).toBeGreaterThan(0);
    }
    const rule = docs.find((d) => d.kind === "PrometheusRule") as {
      metadata: { labels: Record<string, string> };
      spec: { groups: { rules: { alert: string; expr: string }[] }[] };
    };
    expect(rule.metadata.labels.release).toBe("kube-prometheus-stack");
    const alerts = rule.spec.groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(alerts.sort()).toEqual([
      "LLMAllClustersUnhealthy",
      "LLMCircuitOpen",
      "LLMGpuPoolStuckCold",
      "LLMTenantBudgetBurn",
    ]);
  });

  it("applies thresholds, disabled alerts and extra labels from values, and the result still passes promtool", async () => {
    const docs = await helmTemplate(join(CHART, "ci/tuned-values.yaml"));
    expect(docs.filter((d) => d.kind === "ConfigMap")).toHaveLength((await dashboards()).length - 1);
    const rule = docs.find((d) => d.kind === "PrometheusRule") as {
      spec: {
        groups: {
          name: string;
          rules: { alert: string; expr: string; for: string; labels: Record<string, string> }[];
        }[];
      };
    };
    const rules = rule.spec.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).not.toContain("LLMCircuitOpen");
    expect(rules.find((r) => r.alert === "LLMTenantBudgetBurn")?.expr).toContain("> 2.5");
    expect(rules.find((r) => r.alert === "LLMGpuPoolStuckCold")?.for).toBe("30m");
    expect(rules.find((r) => r.alert === "LLMGpuPoolStuckCold")?.expr).toContain(
      "> 2 # gpuStuckColdDemandAbove",
    );
    for (const r of rules) expect(r.labels.team).toBe("ml-infra");
    const file = join(dir, "rendered-rules.json");
    await writeFile(file, JSON.stringify({ groups: rule.spec.groups }));
    const { stdout } = await run(PROMTOOL, ["check", "rules", file]);
    expect(stdout).toContain("SUCCESS: 3 rules found");
  });
});
