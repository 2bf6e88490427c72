/**
 * argocd-sources: in Argo CD mode every Application follows the repository and revision Pulumi
 * gives the root app (`gitRepoUrl` / `gitRevision`), is allowed by its AppProject (source repos,
 * destination namespaces), and the root app syncs the overlay of the stack's environment.
 */
import { asArray, asRecord, at, isRecord } from "../model/kube.js";
import type { AppNode, DeploymentModel, KubeObject } from "../model/types.js";
import { type DeployCheck, skip, verdict } from "./types.js";

const sourcesOf = (app: KubeObject) =>
  (isRecord(at(app, "spec.source")) ? [at(app, "spec.source")] : asArray(at(app, "spec.sources"))).filter(
    isRecord,
  );

/** Argo CD's glob: `*` matches anything (AppProject sourceRepos and destination namespaces). */
const glob = (pattern: string, value: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(value);

function projectProblems(m: DeploymentModel, app: AppNode, problems: string[]): void {
  const projectName = String(at(app.obj, "spec.project") ?? "default");
  const project = m.objects.find((o) => o.obj.kind === "AppProject" && o.obj.metadata.name === projectName);
  if (!project) {
    if (projectName !== "default")
      problems.push(`Application ${app.name}: AppProject ${projectName} is not created`);
    return;
  }
  const repos = asArray(at(project.obj, "spec.sourceRepos")).map(String);
  for (const s of sourcesOf(app.obj))
    if (!repos.some((r) => glob(r, String(s.repoURL ?? ""))))
      problems.push(
        `Application ${app.name}: source ${String(s.repoURL)} is not in AppProject ${projectName}'s sourceRepos`,
      );
  const dests = asArray(at(project.obj, "spec.destinations")).filter(isRecord);
  const ns = app.namespace;
  if (ns && !dests.some((d) => glob(String(d.namespace ?? "*"), ns)))
    problems.push(
      `Application ${app.name}: namespace ${ns} is not a destination of AppProject ${projectName}`,
    );
}

export const argocdSources: DeployCheck = {
  name: "argocd-sources",
  description: "every Application follows the root app's repo and revision and is allowed by its AppProject",
  run(m) {
    if (m.mode !== "argocd") return skip("no Argo CD Applications in helm mode");
    if (m.apps.length === 0) return verdict(["argocd mode creates no Application"], "");
    const problems: string[] = [];
    const roots = m.apps.filter((a) => !a.parent);
    const env = String(m.config["llm-platform:environment"] ?? "dev");
    const wantRepo = m.config["llm-platform:gitRepoUrl"];
    const wantRev = m.config["llm-platform:gitRevision"];
    for (const root of roots) {
      const src = sourcesOf(root.obj)[0] ?? {};
      const path = String(src.path ?? "");
      if (!new RegExp(`/overlays/(${env}|${m.stack})$`).test(path))
        problems.push(`root app ${root.name} syncs ${path}, not the ${env} overlay of this stack`);
      if (typeof wantRepo === "string" && src.repoURL !== wantRepo)
        problems.push(`root app ${root.name} reads ${String(src.repoURL)}, not gitRepoUrl ${wantRepo}`);
      if (typeof wantRev === "string" && src.targetRevision !== wantRev)
        problems.push(
          `root app ${root.name} tracks ${String(src.targetRevision)}, not gitRevision ${wantRev}`,
        );
    }
    const rootOf = (a: AppNode): AppNode => (a.parent ? rootOf(a.parent) : a);
    for (const app of m.apps) {
      projectProblems(m, app, problems);
      if (!app.parent) continue;
      const rootSrc = asRecord(sourcesOf(rootOf(app).obj)[0]);
      for (const s of sourcesOf(app.obj)) {
        if (typeof s.path !== "string") continue; // an upstream chart: its own repository and version
        if (s.repoURL !== rootSrc.repoURL)
          problems.push(
            `Application ${app.name} reads ${String(s.repoURL)}, not the root app's ${String(rootSrc.repoURL)}`,
          );
        if (s.targetRevision !== rootSrc.targetRevision)
          problems.push(
            `Application ${app.name} tracks ${String(s.targetRevision)}, not the root app's ${String(rootSrc.targetRevision)}`,
          );
      }
    }
    return verdict(problems, `${m.apps.length} Application(s) follow the root app and their AppProject`);
  },
};
