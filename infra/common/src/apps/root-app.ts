import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import type { ClusterCloud } from "../naming/naming.js";

/** A Kubernetes object as plain data. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  spec?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface RootAppOverrides {
  /** Replaces the repository of the root Application and in the AppProject's sourceRepos. */
  gitRepoUrl?: string;
  /** Replaces the root Application's targetRevision. */
  gitRevision?: string;
}

/**
 * The objects of `clusters/<cloud>/root-app.yaml` (AppProject + root Application, kept by the
 * charts/clusters side), with the repository and revision overridden from stack config.
 * Returns undefined when the file does not exist, so callers can fall back to a built-in app.
 */
export function loadRootApp(
  root: string,
  cloud: ClusterCloud,
  overrides: RootAppOverrides = {},
): KubeObject[] | undefined {
  const file = path.join(root, "clusters", cloud, "root-app.yaml");
  if (!existsSync(file)) return undefined;
  const docs = parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((d): d is KubeObject => d !== null && typeof d === "object" && typeof d.kind === "string");
  const originalRepo = docs.find((d) => d.kind === "Application")?.spec?.source as
    | { repoURL?: string }
    | undefined;
  return docs.map((doc) => rewrite(doc, originalRepo?.repoURL, overrides));
}

function rewrite(doc: KubeObject, originalRepo: string | undefined, o: RootAppOverrides): KubeObject {
  // A JSON round trip, not structuredClone: plain data only, and arrays stay arrays of this realm.
  const copy = JSON.parse(JSON.stringify(doc)) as KubeObject;
  if (copy.kind === "Application" && copy.spec) {
    const source = copy.spec.source as Record<string, unknown> | undefined;
    if (source) {
      if (o.gitRepoUrl) source.repoURL = o.gitRepoUrl;
      if (o.gitRevision) source.targetRevision = o.gitRevision;
    }
  }
  if (copy.kind === "AppProject" && copy.spec && o.gitRepoUrl) {
    const repos = (copy.spec.sourceRepos as string[] | undefined) ?? [];
    copy.spec.sourceRepos = repos.map((r) => (r === originalRepo ? o.gitRepoUrl! : r));
  }
  return copy;
}
