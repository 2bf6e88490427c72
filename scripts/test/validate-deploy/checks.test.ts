import type { RouterConfigData } from "@llm/contracts";
import { loadCatalog } from "@llm/models";
import { retryBudgetSeconds } from "../../src/validate-deploy/checks/crd-owners.js";
import { CHECKS } from "../../src/validate-deploy/checks/index.js";
import type { PinsFile } from "../../src/validate-deploy/checks/pins-file.js";
import type { DeploymentModel, KubeObject } from "../../src/validate-deploy/model/types.js";
import { formatLine, type LineResult, runChecks } from "../../src/validate-deploy/run.js";
import { world } from "./fixtures/world.js";

const catalog = loadCatalog();

function check(models: DeploymentModel[], pins: PinsFile): LineResult[] {
  return runChecks(models, { root: "/nonexistent", catalog, pins });
}

type World = ReturnType<typeof world>;
const byName = (w: World, stack: string, mode = "helm") =>
  w.models.find((m) => m.stack === stack && m.mode === mode)!;
const objectNamed = (m: DeploymentModel, kind: string, name: string): KubeObject =>
  m.objects.find((o) => o.obj.kind === kind && o.obj.metadata.name === name)!.obj;
const runtimeContainer = (m: DeploymentModel, pool: string) =>
  (
    objectNamed(m, "Deployment", `llm-runtime-${pool}`).spec as {
      template: { spec: { containers: { args: string[]; image: string }[] } };
    }
  ).template.spec.containers[0]!;
const chartValues = (m: DeploymentModel, chart: string) => m.charts.find((c) => c.chart === chart)!.values;

/** One planted defect per check: the mutation and the check that must be the only one to fail. */
const defects: [string, string, (w: World) => void][] = [
  [
    "keda-router-target",
    "KEDA reads the prod target name",
    (w) => {
      const so = objectNamed(byName(w, "aws-dev"), "ScaledObject", "llm-runtime-gpu") as unknown as {
        spec: { triggers: { metadata: { url: string } }[] };
      };
      so.spec.triggers[0]!.metadata.url = "https://router.llm.test/scaling/aws-llm-aws-prod-gpu";
    },
  ],
  [
    "model-agreement",
    "the router advertises a model the GPU runtime does not serve",
    (w) => {
      byName(w, "aws-dev").routerConfig!.clusters[1]!.models = ["mistral-7b-instruct"];
    },
  ],
  [
    "pod-references",
    "the runtime's auth Secret is not created",
    (w) => {
      const m = byName(w, "aws-dev");
      m.objects = m.objects.filter(
        (o) => !(o.obj.kind === "Secret" && o.obj.metadata.name === "llm-cluster-auth"),
      );
    },
  ],
  [
    "images",
    "nothing in the stack builds the runtime image it runs",
    (w) => {
      const m = byName(w, "gcp-dev");
      m.resources = m.resources.filter((r) => r.name !== "llm-runtime");
    },
  ],
  [
    "dns",
    "no record for the GPU pool's host",
    (w) => {
      const g = byName(w, "global");
      g.resources = g.resources.filter((r) => r.inputs.name !== "gpu.gcp.llm.test");
    },
  ],
  [
    "crd-order",
    "ingress-nginx's ServiceMonitor does not wait for kube-prometheus-stack",
    (w) => {
      byName(w, "aws-dev").resources.find((r) => r.name === "ingress-nginx")!.dependencies = [];
    },
  ],
  [
    "private-webhooks",
    "the GKE firewall misses the ingress-nginx admission port",
    (w) => {
      const fw = byName(w, "gcp-dev").resources.find((r) => r.type === "gcp:compute/firewall:Firewall")!;
      fw.inputs.allows = [{ protocol: "tcp", ports: ["6443", "9443"] }];
    },
  ],
  [
    "autoscaler",
    "cluster-autoscaler discovers the prod cluster",
    (w) => {
      (
        chartValues(byName(w, "aws-dev", "argocd"), "cluster-autoscaler").autoDiscovery as {
          clusterName: string;
        }
      ).clusterName = "llm-aws-prod";
    },
  ],
  [
    "pins",
    "a chart version without a pins.yaml entry",
    (w) => {
      w.pins.entries = w.pins.entries.filter((e) => e.name !== "keda");
    },
  ],
  [
    "runtime-auth",
    "an hmac runtime starts with --auth none",
    (w) => {
      runtimeContainer(byName(w, "aws-dev"), "cpu").args.push("--auth", "none");
    },
  ],
  [
    "state-store",
    "a router with up to 4 replicas has no Redis",
    (w) => {
      (byName(w, "global").routerConfig as RouterConfigData & { state?: unknown }).state = undefined;
    },
  ],
  [
    "argocd-sources",
    "a child Application reads another repository",
    (w) => {
      const app = byName(w, "aws-dev", "argocd").apps.find((a) => a.name === "llm-runtime-cpu")!;
      (app.obj.spec as { source: { repoURL: string } }).source.repoURL =
        "https://github.com/example.test/fork.git";
    },
  ],
];

describe("validate-deploy checks on a consistent synthetic deployment", () => {
  it("passes every check on every stack (or skips where nothing applies)", () => {
    const w = world();
    const failed = check(w.models, w.pins).filter((r) => r.status === "FAIL");
    expect(failed.map(formatLine)).toEqual([]);
  });

  it("has one planted defect per check", () => {
    expect(defects.map(([name]) => name).sort()).toEqual(CHECKS.map((c) => c.name).sort());
  });

  it.each(defects)("%s fails, and only it, when %s", (name, _why, plant) => {
    const w = world();
    plant(w);
    const failed = check(w.models, w.pins).filter((r) => r.status === "FAIL");
    expect(failed.length).toBeGreaterThan(0);
    expect([...new Set(failed.map((r) => r.check))]).toEqual([name]);
  });
});

describe("model-agreement details", () => {
  it("fails a target that declares tools while its catalog model lists none (TinyLlama's zephyr template)", () => {
    const w = world();
    const target = byName(w, "aws-dev").routerConfig!.clusters[0]!;
    target.capabilities = [...(target.capabilities ?? []), "tools"];
    const failed = check(w.models, w.pins).filter((r) => r.status === "FAIL");
    expect([...new Set(failed.map((r) => r.check))]).toEqual(["model-agreement"]);
    expect(failed.map(formatLine).join("\n")).toMatch(/declares tools but .* lists no tools/);
  });
});

describe("crd-order details", () => {
  it("counts Argo CD's retry budget as the sum of capped backoffs (today's 5 x 10s..5m is 310 s)", () => {
    expect(retryBudgetSeconds({ limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } })).toBe(
      310,
    );
    expect(retryBudgetSeconds({ limit: -1 })).toBe(Number.POSITIVE_INFINITY);
    expect(retryBudgetSeconds({ limit: 10, backoff: { duration: "30s", maxDuration: "5m" } })).toBe(
      30 + 60 + 120 + 240 + 300 * 6,
    );
  });

  it("fails Argo CD mode when Application health is not restored, even with waves in order", () => {
    const w = world();
    byName(w, "aws-dev", "argocd").charts.find((c) => c.chart === "argo-cd")!.values = {};
    const failed = check(w.models, w.pins).filter((r) => r.status === "FAIL");
    expect(failed.map((r) => `${r.check} ${r.stack} ${r.mode}`)).toEqual(["crd-order aws-dev argocd"]);
    expect(failed[0]!.detail).toMatch(/health is not restored/);
  });

  it("fails an ordered app whose retries give up before 30 minutes (today's 5 tries are 310 s)", () => {
    const w = world();
    const ingress = byName(w, "aws-dev", "argocd").apps.find((a) => a.name === "ingress-nginx")!;
    (ingress.obj.spec as { syncPolicy: Record<string, unknown> }).syncPolicy.retry = {
      limit: 5,
      backoff: { duration: "10s", factor: 2, maxDuration: "5m" },
    };
    const failed = check(w.models, w.pins).filter((r) => r.status === "FAIL");
    expect(failed.map((r) => `${r.check} ${r.stack} ${r.mode}`)).toEqual(["crd-order aws-dev argocd"]);
    expect(failed[0]!.detail).toMatch(/ingress-nginx retries for 310 s/);
  });

  it("accepts a CR that may precede its CRD when the app skips the dry run and retries for 30 minutes", () => {
    const w = world();
    const m = byName(w, "aws-dev", "argocd");
    const ingress = m.apps.find((a) => a.name === "ingress-nginx")!;
    ingress.wave = -2; // same wave as kube-prometheus-stack: not ordered
    const policy = (ingress.obj.spec as { syncPolicy: Record<string, unknown> }).syncPolicy;
    expect(
      check(w.models, w.pins)
        .filter((r) => r.status === "FAIL")
        .map((r) => r.check),
    ).toEqual(["crd-order"]);
    policy.syncOptions = ["SkipDryRunOnMissingResource=true"];
    policy.retry = { limit: 12, backoff: { duration: "1m", factor: 2, maxDuration: "5m" } };
    expect(check(w.models, w.pins).filter((r) => r.status === "FAIL")).toEqual([]);
  });
});

describe("runtime-auth and pod-references with authMode flipped", () => {
  it("fail when the runtimes still mount the HMAC Secret with authMode none", () => {
    const w = world();
    const aws = byName(w, "aws-dev", "argocd");
    const variant: DeploymentModel = structuredClone({ ...aws, variants: [], peers: [] });
    variant.config["llm-platform:authMode"] = "none";
    variant.outputs.authMode = "none";
    variant.objects = variant.objects.filter((o) => o.obj.metadata.name !== "llm-cluster-auth");
    aws.variants = [variant];
    const failed = check(w.models, w.pins).filter((r) => r.status === "FAIL");
    expect(failed.map((r) => r.check).sort()).toEqual(["pod-references", "runtime-auth"]);
    expect(failed.every((r) => r.detail.startsWith("with authMode=none:"))).toBe(true);
  });
});
