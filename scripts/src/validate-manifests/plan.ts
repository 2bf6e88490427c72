/**
 * What to check, found from the tree so charts and clusters added later are covered without
 * touching this script: every chart under charts/ (defaults, ci/*-values.yaml, ci/invalid/*.yaml),
 * every cloud's values files under clusters/<cloud>/values/, every overlay clusters/<cloud>/overlays/<env>,
 * and the plain manifests next to them (clusters/<cloud>/root-app.yaml).
 *
 * A cloud values file holds no stack-specific value (cluster names, hosts, router target,
 * role ARNs): the stack passes those on top, and the charts fail without them. So a values
 * file is rendered the way a stack applies it, with the stand-in stack values of
 * scripts/src/validate-manifests/stack-values/<same file name> layered over it when that exists.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";

/** Render a chart with value files: `helm lint --strict` + `helm template`, then validate the objects. */
export interface RenderCheck {
  type: "render";
  label: string;
  chart: string;
  valueFiles: string[];
}

/** Render a chart with values that must be rejected (schema or `fail`); `expect` must appear in the error. */
export interface RejectCheck {
  type: "reject";
  label: string;
  chart: string;
  valueFile: string;
  expect?: string;
}

/** Build a kustomize overlay and validate the objects. */
export interface OverlayCheck {
  type: "overlay";
  label: string;
  dir: string;
}

/** Check that a chart's values.yaml documents every key (`## @param`). */
export interface ValuesDocsCheck {
  type: "values-docs";
  label: string;
  chart: string;
}

/** Validate a plain manifest file (e.g. clusters/<cloud>/root-app.yaml, applied as is). */
export interface FileCheck {
  type: "file";
  label: string;
  file: string;
}

/** A values file under clusters/ that matches no chart. */
export interface OrphanCheck {
  type: "orphan";
  label: string;
  file: string;
}

export type Check = RenderCheck | RejectCheck | ValuesDocsCheck | OverlayCheck | FileCheck | OrphanCheck;

/** Stand-ins for the values a stack passes over clusters/<cloud>/values/<file>, by file name. */
export const STACK_VALUES_DIR = "scripts/src/validate-manifests/stack-values";

const dirs = (path: string): string[] =>
  existsSync(path)
    ? readdirSync(path)
        .filter((d) => statSync(join(path, d)).isDirectory())
        .sort()
    : [];
const yamlFiles = (path: string, suffix = ".yaml"): string[] =>
  existsSync(path)
    ? readdirSync(path)
        .filter((f) => f.endsWith(suffix) && statSync(join(path, f)).isFile())
        .sort()
    : [];

/** First `# expect-error: <text>` line of a negative values file, if any. */
export function expectedError(text: string): string | undefined {
  return /^#\s*expect-error:\s*(.+?)\s*$/m.exec(text)?.[1];
}

/** The chart a cluster values file belongs to: `llm-runtime-gpu.yaml` -> llm-runtime (longest matching chart name). */
export function chartForValuesFile(file: string, charts: string[]): string | undefined {
  const stem = basename(file).replace(/\.ya?ml$/, "");
  return charts.filter((c) => stem === c || stem.startsWith(`${c}-`)).sort((a, b) => b.length - a.length)[0];
}

/** Lists every check for the repository at `root` (paths in checks are relative to root). */
export function planChecks(root: string): Check[] {
  const checks: Check[] = [];
  const charts = dirs(join(root, "charts")).filter((c) => existsSync(join(root, "charts", c, "Chart.yaml")));
  for (const chart of charts) {
    const dir = `charts/${chart}`;
    checks.push({ type: "render", label: `${dir} (defaults)`, chart: dir, valueFiles: [] });
    if (existsSync(join(root, dir, "values.yaml")))
      checks.push({ type: "values-docs", label: `${dir} values.yaml @param docs`, chart: dir });
    for (const f of yamlFiles(join(root, dir, "ci"), "-values.yaml"))
      checks.push({ type: "render", label: `${dir} ci/${f}`, chart: dir, valueFiles: [`${dir}/ci/${f}`] });
    for (const f of yamlFiles(join(root, dir, "ci", "invalid"))) {
      const valueFile = `${dir}/ci/invalid/${f}`;
      const expect = expectedError(readFileSync(join(root, valueFile), "utf8"));
      checks.push({ type: "reject", label: `${dir} ci/invalid/${f}`, chart: dir, valueFile, expect });
    }
  }
  for (const cloud of dirs(join(root, "clusters"))) {
    for (const f of yamlFiles(join(root, "clusters", cloud)))
      if (f !== "kustomization.yaml")
        checks.push({ type: "file", label: `clusters/${cloud}/${f}`, file: `clusters/${cloud}/${f}` });
    for (const f of yamlFiles(join(root, "clusters", cloud, "values"))) {
      const file = `clusters/${cloud}/values/${f}`;
      const chart = chartForValuesFile(f, charts);
      const stack = `${STACK_VALUES_DIR}/${f}`;
      if (chart)
        checks.push({
          type: "render",
          label: `charts/${chart} ${file}`,
          chart: `charts/${chart}`,
          valueFiles: existsSync(join(root, stack)) ? [file, stack] : [file],
        });
      else checks.push({ type: "orphan", label: file, file });
    }
    for (const env of dirs(join(root, "clusters", cloud, "overlays")))
      checks.push({
        type: "overlay",
        label: `clusters/${cloud}/overlays/${env}`,
        dir: `clusters/${cloud}/overlays/${env}`,
      });
  }
  return checks;
}
