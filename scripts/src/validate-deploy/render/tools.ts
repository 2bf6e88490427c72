/**
 * helm template / kubectl kustomize with the pinned tools in .tools/bin (the same binaries
 * validate-manifests uses), returning parsed objects.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pLimit from "p-limit";
import { parseAllDocuments } from "yaml";
import { ensureTools, toolsBin } from "../../fetch-tools/main.js";
import { run } from "../../validate-manifests/exec.js";
import { isRecord } from "../model/kube.js";
import type { KubeObject } from "../model/types.js";

export interface Rendered {
  docs: KubeObject[];
  /** The tool's error; empty on success. */
  error: string;
}

export interface HelmTemplateArgs {
  /** Absolute chart directory. */
  chartDir: string;
  release: string;
  namespace: string;
  /** Absolute values files, lowest precedence first. */
  valueFiles: string[];
  /** Values objects applied after the files, lowest precedence first. */
  values: Record<string, unknown>[];
  /** `--set` / `--set-string` pairs, applied last. */
  set?: { name: string; value: string; forceString?: boolean }[];
}

let toolsReady: Promise<void> | undefined;
/** At most two renders at a time: the CI machines have two cores. */
const renders = pLimit(2);
/** Runs `render` once the pinned tools are in place, two at a time. */
function withTools<T>(render: () => Promise<T>): Promise<T> {
  toolsReady ??= ensureTools(() => {});
  return renders(async () => {
    await toolsReady;
    return render();
  });
}

/**
 * Parses a rendered stream. A duplicate key is an error: Helm's own reader lets the last one win,
 * but Argo CD ("mapping key already defined") and strict Kubernetes decoding refuse the manifest,
 * and a values layer that silently loses to another (e.g. two checksum/config annotations) is a defect.
 */
function parsed(stdout: string): Rendered {
  const docs: KubeObject[] = [];
  const errors: string[] = [];
  parseAllDocuments(stdout).forEach((d, i) => {
    if (d.errors.length) errors.push(`document ${i + 1}: ${d.errors[0]!.message}`);
    const v = d.toJS() as unknown;
    if (isRecord(v) && typeof v.kind === "string" && typeof v.apiVersion === "string")
      docs.push(v as KubeObject);
  });
  return { docs, error: errors.join("\n") };
}

/** `helm template` of a local chart; values objects go in as temporary files (exact types, no --set parsing). */
export function helmTemplate(a: HelmTemplateArgs): Promise<Rendered> {
  return withTools(() => renderChart(a));
}

async function renderChart(a: HelmTemplateArgs): Promise<Rendered> {
  const dir = mkdtempSync(join(tmpdir(), "vd-helm-"));
  try {
    const args = ["template", a.release, a.chartDir, "--namespace", a.namespace];
    for (const f of a.valueFiles) args.push("-f", f);
    a.values.forEach((v, i) => {
      const file = join(dir, `values-${i}.json`);
      writeFileSync(file, JSON.stringify(v));
      args.push("-f", file);
    });
    for (const s of a.set ?? []) args.push(s.forceString ? "--set-string" : "--set", `${s.name}=${s.value}`);
    const out = await run(join(toolsBin, "helm"), args, a.chartDir);
    if (out.code !== 0) return { docs: [], error: out.stderr.trim() || `helm exited ${out.code}` };
    return parsed(out.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `kubectl kustomize <dir>`. */
export function kustomize(dir: string): Promise<Rendered> {
  return withTools(async () => {
    const out = await run(join(toolsBin, "kubectl"), ["kustomize", dir], dir);
    if (out.code !== 0) return { docs: [], error: out.stderr.trim() || `kubectl exited ${out.code}` };
    return parsed(out.stdout);
  });
}
