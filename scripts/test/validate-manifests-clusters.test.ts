import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, normalize } from "node:path";
import { repoRoot } from "../src/fetch-tools/main.js";
import {
  at,
  helmTemplate,
  kustomizeBuild,
  type Manifest,
  ofKind,
  parseManifests,
} from "../src/validate-manifests/index.js";

const clouds = ["aws", "gcp", "azure"] as const;
const apps = ["exporters", "llm-runtime-cpu", "llm-runtime-gpu", "platform"];
const name = (d: Manifest) => at(d, "metadata.name") as string;

describe("clusters app-of-apps", () => {
  const built: Record<string, Manifest[]> = {};
  beforeAll(async () => {
    const dirs = clouds.flatMap((c) => [`clusters/${c}/overlays/prod`, `clusters/${c}/overlays/gpu`]);
    const results = await Promise.all(dirs.map((d) => kustomizeBuild(d)));
    results.forEach((r, i) => {
      expect(r.error).toBe("");
      built[dirs[i]!] = r.docs;
    });
  });

  describe.each(clouds)("%s", (cloud) => {
    it("prod renders the four apps from this repository's charts with this cloud's value files", () => {
      const docs = built[`clusters/${cloud}/overlays/prod`]!;
      expect(ofKind(docs, "Application").map(name).sort()).toEqual(apps);
      for (const app of ofKind(docs, "Application")) {
        const path = at(app, "spec.source.path") as string;
        expect(path).toMatch(/^charts\//);
        const valueFiles = at(app, "spec.source.helm.valueFiles") as string[];
        expect(valueFiles).toEqual([`../../clusters/${cloud}/values/${name(app)}.yaml`]);
        expect(existsSync(normalize(join(repoRoot, path, valueFiles[0]!)))).toBe(true);
      }
    });

    it("prod is pinned to a release tag, in the reviewed project, with finalizer and automated prune/selfHeal", () => {
      for (const app of ofKind(built[`clusters/${cloud}/overlays/prod`]!, "Application")) {
        expect(at(app, "spec.source.targetRevision")).toMatch(/^v\d+\.\d+\.\d+$/);
        expect(at(app, "spec.project")).toBe("llm-platform");
        expect(at(app, "metadata.namespace")).toBe("argocd");
        expect(at(app, "metadata.finalizers")).toEqual(["resources-finalizer.argocd.argoproj.io"]);
        expect(at(app, "spec.syncPolicy.automated")).toEqual({ prune: true, selfHeal: true });
        expect(at(app, "spec.syncPolicy.syncOptions")).toContain("CreateNamespace=true");
      }
    });

    it("the gpu overlay differs from prod only by more GPU replicas", () => {
      const prod = built[`clusters/${cloud}/overlays/prod`]!;
      const gpu = built[`clusters/${cloud}/overlays/gpu`]!;
      const gpuApp = ofKind(gpu, "Application", "llm-runtime-gpu")[0]!;
      expect(at(gpuApp, "spec.source.helm.parameters")).toEqual([
        { name: "autoscaling.keda.maxReplicaCount", value: "4" },
      ]);
      const strip = (docs: Manifest[]) =>
        docs.map((d) => {
          const copy = structuredClone(d);
          if (name(copy) === "llm-runtime-gpu")
            delete (at(copy, "spec.source.helm") as Record<string, unknown>).parameters;
          return copy;
        });
      expect(strip(gpu)).toEqual(strip(prod));
    });

    it("overlays patch, never copy: each holds only its kustomization.yaml", () => {
      for (const env of ["prod", "gpu"])
        expect(readdirSync(join(repoRoot, "clusters", cloud, "overlays", env))).toEqual([
          "kustomization.yaml",
        ]);
    });

    it("root-app.yaml bootstraps a non-default AppProject and a pinned root Application on the prod overlay", () => {
      const { docs, errors } = parseManifests(
        readFileSync(join(repoRoot, "clusters", cloud, "root-app.yaml"), "utf8"),
      );
      expect(errors).toEqual([]);
      expect(docs.map((d) => d.kind)).toEqual(["AppProject", "Application"]);
      const [project, root] = docs as [Manifest, Manifest];
      expect(name(project)).not.toBe("default");
      expect(at(root, "spec.project")).toBe(name(project));
      expect(at(root, "spec.source.path")).toBe(`clusters/${cloud}/overlays/prod`);
      expect(at(root, "spec.source.targetRevision")).toMatch(/^v\d+\.\d+\.\d+$/);
      // Every destination namespace of the apps is allowed by the project.
      const allowed = (at(project, "spec.destinations") as Manifest[]).map((d) => d.namespace);
      for (const app of ofKind(built[`clusters/${cloud}/overlays/prod`]!, "Application"))
        expect(allowed).toContain(at(app, "spec.destination.namespace"));
    });

    it("the AppProject admits every platform Application this cloud renders (source repo and namespace)", async () => {
      const { docs } = parseManifests(
        readFileSync(join(repoRoot, "clusters", cloud, "root-app.yaml"), "utf8"),
      );
      const project = docs[0]!;
      const repos = at(project, "spec.sourceRepos") as string[];
      const namespaces = (at(project, "spec.destinations") as Manifest[]).map((d) => d.namespace);
      const platform = await helmTemplate("charts/platform", {
        namespace: "argocd",
        valueFiles: [`clusters/${cloud}/values/platform.yaml`],
      });
      expect(platform.error).toBe("");
      const children = ofKind(platform.docs, "Application");
      expect(children.length).toBeGreaterThanOrEqual(5);
      for (const app of children) {
        expect(at(app, "spec.project")).toBe(name(project));
        expect(repos).toContain(at(app, "spec.source.repoURL"));
        expect(namespaces).toContain(at(app, "spec.destination.namespace"));
      }
    });
  });
});
