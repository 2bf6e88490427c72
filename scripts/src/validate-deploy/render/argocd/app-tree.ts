/**
 * Argo CD's app-of-apps, rendered offline: starting from the Applications Pulumi creates, each
 * Application's source is built the way Argo CD builds it (kustomize with the app's kustomize
 * options, or helm template with its valueFiles, values, valuesObject and parameters), and every
 * Application among the results is followed in turn. Upstream charts (a `chart` source) cannot
 * be rendered offline; they are recorded with the values the Application gives them.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { asArray, asRecord, effectiveNamespace, isRecord } from "../../model/kube.js";
import type { AppNode, ChartInstall, ClusterObject, KubeObject } from "../../model/types.js";
import { isKubeObject } from "../from-pulumi.js";
import { helmTemplate, type Rendered } from "../tools.js";
import { expandApplicationSet } from "./appset.js";
import { helmSourceValues, upstreamValues } from "./helm-source.js";
import { buildKustomizeSource, kustomizationFile } from "./kustomize-source.js";

export interface AppTree {
  apps: AppNode[];
  objects: ClusterObject[];
  charts: ChartInstall[];
  problems: string[];
}

const isArgo = (o: KubeObject, kind: string) => o.apiVersion.startsWith("argoproj.io/") && o.kind === kind;

/** `argocd.argoproj.io/sync-wave` of an object (0 when absent or not a number). */
export function syncWave(obj: KubeObject): number {
  const w = Number(obj.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? 0);
  return Number.isFinite(w) ? w : 0;
}

function plainDirectory(dir: string, recurse: boolean): Rendered {
  const docs: KubeObject[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory() && recurse) docs.push(...plainDirectory(p, true).docs);
    else if (entry.isFile() && /\.(ya?ml|json)$/.test(entry.name))
      docs.push(
        ...parseAllDocuments(readFileSync(p, "utf8"))
          .map((d) => d.toJS() as unknown)
          .filter(isKubeObject),
      );
  }
  return { docs, error: "" };
}

interface Work {
  obj: KubeObject;
  parent?: AppNode;
  generatedBy?: string;
}

export async function renderAppTree(roots: ClusterObject[], root: string): Promise<AppTree> {
  const tree: AppTree = { apps: [], objects: [], charts: [], problems: [] };
  let level: Work[] = [];
  const enqueue = (obj: KubeObject, parent: AppNode | undefined, next: Work[]) => {
    if (isArgo(obj, "Application")) next.push({ obj, parent });
    else if (isArgo(obj, "ApplicationSet")) {
      const { apps, problems } = expandApplicationSet(obj);
      tree.problems.push(...problems);
      for (const app of apps) next.push({ obj: app, parent, generatedBy: obj.metadata.name });
    }
  };
  for (const r of roots) enqueue(r.obj, undefined, level);
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > 6) {
      tree.problems.push("app-of-apps nests deeper than 6 levels");
      break;
    }
    const next: Work[] = [];
    const results = await Promise.all(level.map((w) => renderApp(w, root, tree)));
    for (const { node, objects } of results)
      for (const o of objects) {
        tree.objects.push(o);
        enqueue(o.obj, node, next);
      }
    level = next;
  }
  return tree;
}

async function renderApp(
  w: Work,
  root: string,
  tree: AppTree,
): Promise<{ node: AppNode; objects: ClusterObject[] }> {
  const spec = asRecord(w.obj.spec);
  const node: AppNode = {
    name: w.obj.metadata.name,
    wave: syncWave(w.obj),
    parent: w.parent,
    obj: w.obj,
    namespace: String(asRecord(spec.destination).namespace ?? ""),
    generatedBy: w.generatedBy,
  };
  tree.apps.push(node);
  const origin = { via: "app" as const, name: node.name, app: node };
  const sources = (isRecord(spec.source) ? [spec.source] : asArray(spec.sources)).filter(isRecord);
  const objects: ClusterObject[] = [];
  for (const source of sources) {
    const rendered = await renderSource(node, source, root, tree);
    if (rendered.error) tree.problems.push(`Application ${node.name}: ${rendered.error}`);
    for (const obj of rendered.docs)
      objects.push({ obj, namespace: effectiveNamespace(obj, node.namespace || "default"), origin });
  }
  return { node, objects };
}

async function renderSource(
  node: AppNode,
  source: Record<string, unknown>,
  root: string,
  tree: AppTree,
): Promise<Rendered> {
  const helm = source.helm;
  const release = String(asRecord(helm).releaseName ?? node.name);
  if (typeof source.chart === "string") {
    const values = helmSourceValues(helm, undefined, root);
    tree.charts.push({
      chart: source.chart,
      version: String(source.targetRevision ?? ""),
      repo: String(source.repoURL ?? ""),
      release,
      namespace: node.namespace,
      values: upstreamValues(values),
      origin: { via: "app", name: node.name, app: node },
    });
    return { docs: [], error: "" };
  }
  if (typeof source.path !== "string") return { docs: [], error: "" }; // a `ref`-only source
  const dir = join(root, source.path);
  if (!existsSync(dir)) return { docs: [], error: `source path ${source.path} does not exist in this tree` };
  if (existsSync(join(dir, "Chart.yaml"))) {
    const v = helmSourceValues(helm, dir, root);
    if (v.missingFiles.length)
      return { docs: [], error: `helm valueFiles missing from this tree: ${v.missingFiles.join(", ")}` };
    return helmTemplate({
      chartDir: dir,
      release,
      namespace: node.namespace || "default",
      valueFiles: v.valueFiles,
      values: v.values,
      set: v.set,
    });
  }
  if (kustomizationFile(dir)) return buildKustomizeSource(root, source.path, source.kustomize);
  return plainDirectory(dir, asRecord(source.directory).recurse === true);
}
