/**
 * Validation of rendered manifests: YAML stream -> objects -> per-kind schema checks, plus
 * the cross-object checks a schema cannot do (duplicate names, Argo CD Applications that
 * point at paths or value files missing from this repository, automated Applications whose
 * retries give up before the CRDs of earlier waves exist).
 */
import { existsSync } from "node:fs";
import { join, normalize } from "node:path";
import { parseAllDocuments } from "yaml";
import { MIN_RETRY_BUDGET_SECONDS, retryBudgetSeconds } from "./argo.js";
import { kindValidator } from "./kinds.js";

/** A Kubernetes object as parsed from YAML. */
export type Manifest = Record<string, unknown> & { apiVersion?: unknown; kind?: unknown; metadata?: unknown };

/** Options of {@link validateManifests}. */
export interface ManifestCheckOptions {
  /**
   * Repository root. When set, Argo CD Applications whose source has a `path` (a folder of
   * this repository) must point at an existing folder, and their Helm `valueFiles` must exist.
   */
  repoRoot?: string;
}

/** Parses a multi-document YAML stream; empty documents (helm's blank templates) are dropped. */
export function parseManifests(text: string): { docs: Manifest[]; errors: string[] } {
  const docs: Manifest[] = [];
  const errors: string[] = [];
  parseAllDocuments(text).forEach((d, i) => {
    if (d.errors.length) {
      errors.push(`document ${i + 1}: YAML error: ${d.errors[0]!.message}`);
      return;
    }
    const value = d.toJS() as unknown;
    if (value === null || value === undefined) return;
    if (typeof value !== "object" || Array.isArray(value)) errors.push(`document ${i + 1}: not an object`);
    else docs.push(value as Manifest);
  });
  return { docs, errors };
}

function describe(doc: Manifest, i: number): string {
  const meta = (doc.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const ns = typeof meta.namespace === "string" ? `${meta.namespace}/` : "";
  return `${String(doc.kind ?? `document ${i + 1}`)} ${ns}${String(meta.name ?? "?")}`;
}

interface AppSource {
  repoURL?: string;
  path?: string;
  chart?: string;
  helm?: { valueFiles?: string[] };
}

/** Checks that an Application's repository-local sources exist (paths and value files). */
function checkApplicationPaths(doc: Manifest, repoRoot: string): string[] {
  const spec = (doc.spec ?? {}) as { source?: AppSource; sources?: AppSource[] };
  const sources = [...(spec.source ? [spec.source] : []), ...(spec.sources ?? [])];
  const problems: string[] = [];
  for (const src of sources) {
    if (!src.path) continue;
    const dir = join(repoRoot, src.path);
    if (!existsSync(dir)) problems.push(`source.path ${src.path} does not exist in this repository`);
    for (const vf of src.helm?.valueFiles ?? []) {
      // Argo CD resolves value files relative to the source path; `$ref/...` points at another source.
      if (vf.startsWith("$")) continue;
      if (!existsSync(normalize(join(dir, vf))))
        problems.push(`helm.valueFiles ${vf} (from ${src.path}) does not exist`);
    }
  }
  return problems;
}

/**
 * An automated Application whose retries end before the CRDs of earlier waves exist fails for
 * good: Argo CD never auto-syncs that revision again once its retries are spent.
 */
function checkApplicationRetry(doc: Manifest): string[] {
  const automated = (doc.spec as { syncPolicy?: { automated?: unknown } } | undefined)?.syncPolicy?.automated;
  if (!automated) return [];
  const budget = retryBudgetSeconds(doc);
  if (budget >= MIN_RETRY_BUDGET_SECONDS) return [];
  return [
    `syncPolicy.retry waits ${Number.isNaN(budget) ? "an unparsable time" : `${budget} s`} in total, less than ${MIN_RETRY_BUDGET_SECONDS} s: retries must outlast CRD installation (raise retry.limit or backoff)`,
  ];
}

/**
 * Validates parsed manifests. Returns one message per problem, each prefixed with the object
 * (`Deployment ns/name: ...`); an empty list means every object is valid.
 */
export function validateManifests(docs: Manifest[], opts: ManifestCheckOptions = {}): string[] {
  const validate = kindValidator();
  const problems: string[] = [];
  const seen = new Set<string>();
  docs.forEach((doc, i) => {
    const what = describe(doc, i);
    if (typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") {
      problems.push(`${what}: apiVersion and kind are required`);
      return;
    }
    const meta = doc.metadata as { name?: unknown; namespace?: unknown } | undefined;
    if (!meta || typeof meta.name !== "string" || meta.name === "") {
      problems.push(`${what}: metadata.name is required`);
      return;
    }
    const id = `${doc.apiVersion}/${doc.kind}/${String(meta.namespace ?? "")}/${meta.name}`;
    if (seen.has(id)) problems.push(`${what}: defined twice`);
    seen.add(id);
    const errors = validate(doc);
    if (errors === null) {
      problems.push(
        `${what}: unknown kind ${doc.apiVersion}/${doc.kind} (no schema; add one under schemas/)`,
      );
      return;
    }
    for (const e of errors) problems.push(`${what}: ${e}`);
    if (doc.apiVersion === "argoproj.io/v1alpha1" && doc.kind === "Application") {
      for (const e of checkApplicationRetry(doc)) problems.push(`${what}: ${e}`);
      if (opts.repoRoot)
        for (const e of checkApplicationPaths(doc, opts.repoRoot)) problems.push(`${what}: ${e}`);
    }
  });
  return problems;
}

/** Parses and validates a YAML stream in one step. */
export function validateYaml(
  text: string,
  opts: ManifestCheckOptions = {},
): { documents: number; problems: string[] } {
  const { docs, errors } = parseManifests(text);
  return { documents: docs.length, problems: [...errors, ...validateManifests(docs, opts)] };
}
