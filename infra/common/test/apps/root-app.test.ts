import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, parseAllDocuments, stringify } from "yaml";
import { REPO_ROOT, renderRootAppYaml, rootAppObjects, rootAppPatches } from "../../src/index.js";

describe("clusters/<cloud>/root-app.yaml", () => {
  it.each(["aws", "gcp", "azure"] as const)(
    "for %s is exactly rootAppObjects' output (regenerate: npx tsx infra/common/bin/write-root-apps.ts)",
    (cloud) => {
      const file = path.join(REPO_ROOT, "clusters", cloud, "root-app.yaml");
      expect(readFileSync(file, "utf8")).toBe(renderRootAppYaml(cloud));
    },
  );

  it("admits the stack's repository and namespace in the AppProject and retries for over 30 minutes", () => {
    const [project, app] = rootAppObjects({
      cloud: "gcp",
      gitRepoUrl: "https://git.acme.test/llm.git",
      gitRevision: "v2.0.0",
      overlay: "dev",
      appsNamespace: "inference",
    });
    expect(project!.spec).toMatchObject({
      sourceRepos: expect.arrayContaining(["https://git.acme.test/llm.git"]),
    });
    const namespaces = (project!.spec!.destinations as { namespace: string }[]).map((d) => d.namespace);
    expect(namespaces).toContain("inference");
    expect(namespaces).not.toContain("llm");
    expect(app!.spec).toMatchObject({
      source: {
        repoURL: "https://git.acme.test/llm.git",
        targetRevision: "v2.0.0",
        path: "clusters/gcp/overlays/dev",
      },
    });
    const { limit, backoff } = (
      app!.spec!.syncPolicy as {
        retry: { limit: number; backoff: { duration: string; factor: number; maxDuration: string } };
      }
    ).retry;
    const seconds = (d: string) => Number.parseInt(d, 10) * (d.endsWith("m") ? 60 : 1);
    let total = 0;
    for (let i = 0, wait = seconds(backoff.duration); i < limit; i++, wait *= backoff.factor)
      total += Math.min(wait, seconds(backoff.maxDuration));
    expect(total).toBeGreaterThanOrEqual(30 * 60);
  });
});

describe("root app patches (how Pulumi hands stack values to Argo CD)", () => {
  const patches = rootAppPatches({
    gitRepoUrl: "https://git.acme.test/llm.git",
    gitRevision: "main",
    appsNamespace: "llm",
    values: { "llm-runtime-gpu": { autoscaling: { keda: { router: { target: "aws-llm-aws-dev-gpu" } } } } },
  });

  it("repoints every child Application at the stack's repository and revision", () => {
    const all = patches.find((p) => !p.target.name && !p.target.labelSelector)!;
    expect(all.target).toEqual({ group: "argoproj.io", version: "v1alpha1", kind: "Application" });
    expect(parse(all.patch).spec.source).toEqual({
      repoURL: "https://git.acme.test/llm.git",
      targetRevision: "main",
    });
  });

  it("sets each app's stack values as its Helm valuesObject, by Application name", () => {
    const gpu = patches.find((p) => p.target.name === "llm-runtime-gpu")!;
    expect(parse(gpu.patch)).toEqual({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: { name: "llm-runtime-gpu" },
      spec: {
        source: {
          helm: { valuesObject: { autoscaling: { keda: { router: { target: "aws-llm-aws-dev-gpu" } } } } },
        },
      },
    });
  });
});

describe("root app patches for a stack without a GPU pool", () => {
  it("deletes the llm-runtime-gpu child (it has no stack values to render with), and only that one", () => {
    const patches = rootAppPatches({
      gitRepoUrl: "https://git.acme.test/llm.git",
      gitRevision: "main",
      appsNamespace: "llm",
      values: {},
      gpuPool: false,
    });
    const deletes = patches.filter((p) => parse(p.patch).$patch === "delete");
    expect(deletes.map((p) => p.target.name)).toEqual(["llm-runtime-gpu"]);
    // kustomize really drops it from the dev overlay the root app renders.
    const dir = mkdtempSync(path.join(tmpdir(), "root-app-"));
    cpSync("clusters", path.join(dir, "clusters"), { recursive: true });
    const overlay = path.join(dir, "clusters/aws/overlays/dev");
    const kust = parse(readFileSync(path.join(overlay, "kustomization.yaml"), "utf8"));
    kust.patches = [...(kust.patches ?? []), ...patches];
    writeFileSync(path.join(overlay, "kustomization.yaml"), stringify(kust));
    const out = execFileSync(".tools/bin/kubectl", ["kustomize", overlay], { encoding: "utf8" });
    const names = parseAllDocuments(out).map(
      (d) => (d.toJS() as { metadata: { name: string } }).metadata.name,
    );
    expect(names).toContain("llm-runtime-cpu");
    expect(names).not.toContain("llm-runtime-gpu");
  });
});
