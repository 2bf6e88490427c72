import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { ClusterObject, KubeObject } from "../../src/validate-deploy/model/types.js";
import { renderAppTree } from "../../src/validate-deploy/render/argocd/app-tree.js";
import { expandApplicationSet } from "../../src/validate-deploy/render/argocd/appset.js";
import {
  dropNulls,
  helmSourceValues,
  upstreamValues,
} from "../../src/validate-deploy/render/argocd/helm-source.js";

const application = (name: string, source: Record<string, unknown>, wave = 0): KubeObject => ({
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Application",
  metadata: { name, namespace: "argocd", annotations: { "argocd.argoproj.io/sync-wave": String(wave) } },
  spec: { project: "p", source, destination: { namespace: "apps" } },
});

let root: string;
beforeAll(() => {
  // A tiny tree: a root overlay holding two child Applications (a local chart and an upstream chart).
  root = mkdtempSync(join(tmpdir(), "vd-render-"));
  const dir = (p: string) => {
    mkdirSync(join(root, p), { recursive: true });
    return join(root, p);
  };
  writeFileSync(join(dir("charts/demo"), "Chart.yaml"), "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
  writeFileSync(join(root, "charts/demo/values.yaml"), "image: ghcr.io/acme/demo:1\nreplicas: 1\n");
  writeFileSync(
    join(dir("charts/demo/templates"), "cm.yaml"),
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  image: {{ .Values.image | quote }}\n  replicas: {{ .Values.replicas | quote }}\n",
  );
  writeFileSync(join(dir("clusters/x/values"), "demo.yaml"), "replicas: 2\n");
  const apps = [
    application("demo", {
      repoURL: "https://git.test/r.git",
      path: "charts/demo",
      helm: {
        valueFiles: ["../../clusters/x/values/demo.yaml"],
        parameters: [{ name: "replicas", value: "3" }],
      },
    }),
    application(
      "upstream",
      {
        repoURL: "https://charts.test",
        chart: "up",
        targetRevision: "1.2.3",
        helm: { valuesObject: { a: { b: null, c: 1 } } },
      },
      -1,
    ),
  ];
  writeFileSync(
    join(dir("clusters/x/overlays/dev"), "apps.yaml"),
    apps.map((a) => stringify(a)).join("---\n"),
  );
  writeFileSync(join(root, "clusters/x/overlays/dev/kustomization.yaml"), "resources:\n  - apps.yaml\n");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("Argo CD rendering", () => {
  it("follows the root app's kustomize patches into child Applications and renders them with Argo CD's value precedence", async () => {
    const rootApp = application("root", {
      repoURL: "https://git.test/r.git",
      path: "clusters/x/overlays/dev",
      kustomize: {
        patches: [
          {
            target: { kind: "Application", name: "demo" },
            patch: stringify([
              {
                op: "add",
                path: "/spec/source/helm/valuesObject",
                value: { image: "reg.test/demo@sha256:abc" },
              },
            ]),
          },
        ],
      },
    });
    const roots: ClusterObject[] = [
      { obj: rootApp, namespace: "argocd", origin: { via: "pulumi", name: "root" } },
    ];
    const tree = await renderAppTree(roots, root);
    expect(tree.problems).toEqual([]);
    expect(tree.apps.map((a) => `${a.name}<${a.parent?.name ?? ""}@${a.wave}`).sort()).toEqual([
      "demo<root@0",
      "root<@0",
      "upstream<root@-1",
    ]);
    const cm = tree.objects.find((o) => o.obj.kind === "ConfigMap")!;
    // valuesObject (from the Pulumi-rendered patch) over the values file, parameters over both.
    expect(cm.obj.data).toEqual({ image: "reg.test/demo@sha256:abc", replicas: "3" });
    expect(cm.namespace).toBe("apps");
    expect(tree.charts).toEqual([
      expect.objectContaining({
        chart: "up",
        version: "1.2.3",
        repo: "https://charts.test",
        values: { a: { c: 1 } },
      }),
    ]);
  });

  it("reports a helm value file the tree does not have", async () => {
    const broken = application("demo", {
      repoURL: "https://git.test/r.git",
      path: "charts/demo",
      helm: { valueFiles: ["../../clusters/x/values/missing.yaml"] },
    });
    const tree = await renderAppTree(
      [{ obj: broken, namespace: "argocd", origin: { via: "pulumi", name: "d" } }],
      root,
    );
    expect(tree.problems).toEqual([expect.stringContaining("missing.yaml")]);
  });

  it("drops nulls from valuesObject as Argo CD does (argo-cd #16312)", () => {
    expect(dropNulls({ affinity: null, nodeSelector: { a: "b", c: null } })).toEqual({
      nodeSelector: { a: "b" },
    });
    const v = helmSourceValues(
      { valuesObject: { affinity: null }, parameters: [{ name: "x.y", value: "2" }] },
      root,
      root,
    );
    expect(upstreamValues(v)).toEqual({ x: { y: 2 } });
  });

  it("expands an ApplicationSet list generator, fasttemplate and goTemplate", () => {
    const appset = (goTemplate: boolean, name: string): KubeObject => ({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "ApplicationSet",
      metadata: { name: "apps", namespace: "argocd" },
      spec: {
        goTemplate,
        generators: [{ list: { elements: [{ app: "gpu", rev: "abc123" }] } }],
        template: {
          metadata: { name },
          spec: { source: { path: "charts/demo", targetRevision: goTemplate ? "{{ .rev }}" : "{{rev}}" } },
        },
      },
    });
    for (const [go, name] of [
      [false, "llm-{{app}}"],
      [true, "llm-{{ .app }}"],
    ] as const) {
      const { apps, problems } = expandApplicationSet(appset(go, name));
      expect(problems).toEqual([]);
      expect(apps).toEqual([
        expect.objectContaining({ kind: "Application", metadata: { name: "llm-gpu", namespace: "argocd" } }),
      ]);
      expect((apps[0]!.spec as { source: { targetRevision: string } }).source.targetRevision).toBe("abc123");
    }
  });
});
