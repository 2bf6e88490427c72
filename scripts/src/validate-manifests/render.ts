/**
 * Thin wrappers over `helm template` and `kubectl kustomize` that return parsed objects, for
 * tests and scripts that assert on rendered output. They use the pinned tools in .tools/bin.
 */
import { join } from "node:path";
import { ensureTools, repoRoot, toolsBin } from "../fetch-tools/main.js";
import { run } from "./exec.js";
import { type Manifest, parseManifests } from "./manifests.js";

/** Options of {@link helmTemplate}. */
export interface TemplateOptions {
  /** Release name. Defaults to `release`. */
  release?: string;
  /** Release namespace. Defaults to `llm`. */
  namespace?: string;
  /** Values files, relative to the repository root. Defaults to none. */
  valueFiles?: string[];
  /** `--set key=value` pairs. Defaults to none. */
  set?: Record<string, string | number | boolean>;
  /** Values passed as JSON (`--set-json key=<json>`), one entry per top-level key. Defaults to none. */
  values?: Record<string, unknown>;
  /** Repository root. Defaults to this repository. */
  root?: string;
}

/** Rendered objects, or the tool's error when it failed. */
export interface Rendered {
  ok: boolean;
  docs: Manifest[];
  /** The tool's error output (empty on success). */
  error: string;
}

/** Renders a chart (path relative to the root, e.g. `charts/llm-runtime`) with `helm template`. */
export async function helmTemplate(chart: string, opts: TemplateOptions = {}): Promise<Rendered> {
  await ensureTools(() => {});
  const args = ["template", opts.release ?? "release", chart, "--namespace", opts.namespace ?? "llm"];
  for (const f of opts.valueFiles ?? []) args.push("-f", f);
  for (const [k, v] of Object.entries(opts.set ?? {})) args.push("--set", `${k}=${String(v)}`);
  for (const [k, v] of Object.entries(opts.values ?? {}))
    args.push("--set-json", `${k}=${JSON.stringify(v)}`);
  const out = await run(join(toolsBin, "helm"), args, opts.root ?? repoRoot);
  if (out.code !== 0) return { ok: false, docs: [], error: out.stderr.trim() };
  const { docs, errors } = parseManifests(out.stdout);
  return { ok: errors.length === 0, docs, error: errors.join("\n") };
}

/** Builds a kustomize directory (relative to the root) with `kubectl kustomize`. */
export async function kustomizeBuild(dir: string, root: string = repoRoot): Promise<Rendered> {
  await ensureTools(() => {});
  const out = await run(join(toolsBin, "kubectl"), ["kustomize", dir], root);
  if (out.code !== 0) return { ok: false, docs: [], error: out.stderr.trim() };
  const { docs, errors } = parseManifests(out.stdout);
  return { ok: errors.length === 0, docs, error: errors.join("\n") };
}

/** Objects of one kind (and optionally one name) among rendered objects. */
export function ofKind(docs: Manifest[], kind: string, name?: string): Manifest[] {
  return docs.filter(
    (d) =>
      d.kind === kind && (name === undefined || (d.metadata as { name?: string } | undefined)?.name === name),
  );
}

/** Reads a dotted path (`spec.template.spec.containers.0.image`) from parsed YAML; undefined when absent. */
export function at(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
