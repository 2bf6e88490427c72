/**
 * What the Pulumi program puts into clusters, read off its registered resources: plain
 * Kubernetes objects, Helm releases of this repository's charts (rendered here with exactly
 * the release's value files and values), and upstream chart releases (recorded with their values).
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { effectiveNamespace } from "../model/kube.js";
import type { ChartInstall, ClusterObject, KubeObject, PulumiResource } from "../model/types.js";
import { helmTemplate } from "./tools.js";

/** Helm release types whose inputs follow helm.v3.Release / helm.v4.Chart. */
const RELEASE_TYPES = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"]);
/** Component types of @pulumi/kubernetes that carry objects in their inputs. */
const YAML_TYPES = new Set(["kubernetes:yaml/v2:ConfigGroup", "kubernetes:yaml/v2:ConfigFile"]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function isKubeObject(v: unknown): v is KubeObject {
  return (
    isObject(v) &&
    typeof v.apiVersion === "string" &&
    typeof v.kind === "string" &&
    isObject(v.metadata) &&
    typeof v.metadata.name === "string"
  );
}

/** `{ $asset: "file", path }` -> path; string paths pass through. */
function assetPath(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (isObject(v) && v.$asset === "file" && typeof v.path === "string") return v.path;
  return undefined;
}

function assetText(v: unknown): string | undefined {
  if (isObject(v) && v.$asset === "string" && typeof v.text === "string") return v.text;
  const p = assetPath(v);
  return p && existsSync(p) ? readFileSync(p, "utf8") : undefined;
}

function yamlObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter(isKubeObject);
}

/** Kubernetes objects a resource stands for (a typed resource, a CustomResource, a ConfigGroup). */
function objectsOf(r: PulumiResource, root: string): KubeObject[] {
  if (YAML_TYPES.has(r.type)) {
    const objs = Array.isArray(r.inputs.objs) ? r.inputs.objs.filter(isKubeObject) : [];
    const texts = [r.inputs.yaml, r.inputs.file].flatMap((v) => (typeof v === "string" ? [v] : []));
    for (const t of texts) {
      const file = isAbsolute(t) ? t : join(root, t);
      objs.push(...yamlObjects(t.includes("\n") || !existsSync(file) ? t : readFileSync(file, "utf8")));
    }
    return objs;
  }
  if (!r.type.startsWith("kubernetes:") || RELEASE_TYPES.has(r.type) || r.type.includes(":helm.sh/"))
    return [];
  const [, groupVersion, kind] = r.type.split(":");
  if (!groupVersion || !kind || groupVersion.startsWith("yaml")) return [];
  const apiVersion = groupVersion.startsWith("core/") ? groupVersion.slice(5) : groupVersion;
  const obj = { apiVersion, kind, ...r.inputs } as Record<string, unknown>;
  return isKubeObject(obj) ? [obj] : [];
}

/** A Helm release of a chart in this tree (a directory with Chart.yaml). */
export interface LocalRelease {
  resource: PulumiResource;
  release: string;
  chartDir: string;
  namespace: string;
  valueFiles: string[];
  values: Record<string, unknown>;
}

export interface FromPulumi {
  objects: ClusterObject[];
  localReleases: LocalRelease[];
  charts: ChartInstall[];
  problems: string[];
}

/** Splits the program's resources into objects, local releases and upstream chart installs. */
export function fromPulumi(resources: PulumiResource[], root: string): FromPulumi {
  const out: FromPulumi = { objects: [], localReleases: [], charts: [], problems: [] };
  for (const r of resources) {
    if (RELEASE_TYPES.has(r.type)) {
      const i = r.inputs;
      const release = String(i.name ?? r.name);
      const namespace = String(i.namespace ?? "default");
      const values = isObject(i.values) ? i.values : {};
      const chart = String(i.chart ?? "");
      const repo = isObject(i.repositoryOpts) ? String(i.repositoryOpts.repo ?? "") : "";
      const origin = { via: "release" as const, name: release, urn: r.urn };
      if (!repo && !chart.startsWith("oci://") && existsSync(join(chart, "Chart.yaml"))) {
        const files = Array.isArray(i.valueYamlFiles) ? i.valueYamlFiles : [];
        const valueFiles = files.map(assetPath).filter((p): p is string => p !== undefined);
        if (valueFiles.length !== files.length)
          out.problems.push(`release ${release}: a values file is not a file asset`);
        out.localReleases.push({ resource: r, release, chartDir: chart, namespace, valueFiles, values });
      } else {
        const fileValues = (Array.isArray(i.valueYamlFiles) ? i.valueYamlFiles : [])
          .map(assetText)
          .flatMap((t) => (t ? [parseAllDocuments(t)[0]?.toJS() as Record<string, unknown>] : []));
        out.charts.push({
          chart: chart.replace(/^oci:\/\/.*\//, ""),
          version: String(i.version ?? ""),
          repo: repo || chart,
          release,
          namespace,
          values: Object.assign({}, ...fileValues, values),
          origin,
        });
      }
      continue;
    }
    for (const obj of objectsOf(r, root))
      out.objects.push({
        obj,
        // The Kubernetes provider puts an object without a namespace into `default`.
        namespace: effectiveNamespace(obj, "default"),
        origin: { via: "pulumi", name: r.name, urn: r.urn },
      });
  }
  return out;
}

/** Renders one local release; objects without a namespace get the release's. */
export async function renderLocalRelease(
  rel: LocalRelease,
): Promise<{ objects: ClusterObject[]; error: string }> {
  const rendered = await helmTemplate({
    chartDir: rel.chartDir,
    release: rel.release,
    namespace: rel.namespace,
    valueFiles: rel.valueFiles,
    values: Object.keys(rel.values).length ? [rel.values] : [],
  });
  const origin = { via: "release" as const, name: rel.release, urn: rel.resource.urn };
  return {
    error: rendered.error ? `helm template ${rel.release}: ${rendered.error}` : "",
    objects: rendered.docs.map((obj) => ({ obj, namespace: effectiveNamespace(obj, rel.namespace), origin })),
  };
}
