/**
 * validateAll: renders every chart and overlay found in the repository and validates each
 * object offline; checks that invalid values are rejected. Used by `pnpm validate-manifests`
 * and by the tests, so both see the same result.
 */
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { ensureTools, repoRoot, toolsBin } from "../fetch-tools/main.js";
import { mapLimit, run } from "./exec.js";
import { validateYaml } from "./manifests.js";
import { type Check, planChecks } from "./plan.js";
import { checkValuesDocs } from "./values-docs.js";

/** Options of {@link validateAll}. */
export interface ValidateOptions {
  /** Repository root to scan. Defaults to this repository. */
  root?: string;
  /** Only run checks whose label contains this text (or matches this pattern). Defaults to all. */
  filter?: string | RegExp;
  /** helm binary. Defaults to `.tools/bin/helm` (installed by ensureTools). */
  helm?: string;
  /** kubectl binary (for `kubectl kustomize`). Defaults to `.tools/bin/kubectl`. */
  kubectl?: string;
  /** Checks run at once. Defaults to the number of CPUs (at least 2). */
  concurrency?: number;
  /** Progress messages. Defaults to none. */
  log?: (message: string) => void;
}

/** The result of one check (one row of the table). */
export interface CheckResult {
  /** What was checked, e.g. `charts/llm-runtime ci/gpu-values.yaml`. */
  what: string;
  type: Check["type"];
  /** Objects rendered (0 for rejections). */
  documents: number;
  ok: boolean;
  /** Why it failed (empty when ok). */
  problems: string[];
  /** Informational detail, e.g. the rejection message of a negative case. */
  note?: string;
}

export interface Report {
  ok: boolean;
  results: CheckResult[];
  durationMs: number;
}

interface Bins {
  helm: string;
  kubectl: string;
  root: string;
}

/** First meaningful line(s) of helm's error output (drops the "Use --debug" hint). */
function errorText(stderr: string): string {
  return stderr
    .split("\n")
    .filter((l) => l.trim() && !l.includes("Use --debug flag"))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}

async function runRender(check: Extract<Check, { type: "render" }>, b: Bins): Promise<CheckResult> {
  const values = check.valueFiles.flatMap((f) => ["-f", f]);
  const [lint, tpl] = await Promise.all([
    run(b.helm, ["lint", "--strict", "--quiet", check.chart, ...values], b.root),
    run(b.helm, ["template", "release", check.chart, "--namespace", "llm", ...values], b.root),
  ]);
  const problems: string[] = [];
  if (lint.code !== 0) problems.push(`helm lint: ${errorText(lint.stdout + lint.stderr)}`);
  if (tpl.code !== 0) {
    problems.push(`helm template: ${errorText(tpl.stderr)}`);
    return { what: check.label, type: check.type, documents: 0, ok: false, problems };
  }
  const v = validateYaml(tpl.stdout, { repoRoot: b.root });
  problems.push(...v.problems);
  if (v.documents === 0) problems.push("rendered no objects");
  return { what: check.label, type: check.type, documents: v.documents, ok: problems.length === 0, problems };
}

async function runReject(check: Extract<Check, { type: "reject" }>, b: Bins): Promise<CheckResult> {
  const tpl = await run(b.helm, ["template", "release", check.chart, "-f", check.valueFile], b.root);
  const base = { what: check.label, type: check.type, documents: 0 };
  if (tpl.code === 0) return { ...base, ok: false, problems: ["values were accepted but must be rejected"] };
  const message = errorText(tpl.stderr);
  if (check.expect && !message.includes(check.expect))
    return {
      ...base,
      ok: false,
      problems: [`rejected, but the error does not name "${check.expect}": ${message}`],
    };
  return { ...base, ok: true, problems: [], note: message };
}

async function runOverlay(check: Extract<Check, { type: "overlay" }>, b: Bins): Promise<CheckResult> {
  const out = await run(b.kubectl, ["kustomize", check.dir], b.root);
  if (out.code !== 0)
    return {
      what: check.label,
      type: check.type,
      documents: 0,
      ok: false,
      problems: [`kubectl kustomize: ${errorText(out.stderr)}`],
    };
  const v = validateYaml(out.stdout, { repoRoot: b.root });
  const problems = [...v.problems, ...(v.documents === 0 ? ["built no objects"] : [])];
  return { what: check.label, type: check.type, documents: v.documents, ok: problems.length === 0, problems };
}

async function runFile(check: Extract<Check, { type: "file" }>, b: Bins): Promise<CheckResult> {
  const text = await readFile(join(b.root, check.file), "utf8");
  const v = validateYaml(text, { repoRoot: b.root });
  const problems = [...v.problems, ...(v.documents === 0 ? ["holds no objects"] : [])];
  return { what: check.label, type: check.type, documents: v.documents, ok: problems.length === 0, problems };
}

async function runValuesDocs(check: Extract<Check, { type: "values-docs" }>, b: Bins): Promise<CheckResult> {
  const problems = checkValuesDocs(await readFile(join(b.root, check.chart, "values.yaml"), "utf8"));
  return { what: check.label, type: check.type, documents: 0, ok: problems.length === 0, problems };
}

/** Runs one planned check. */
export function runCheck(check: Check, b: Bins): Promise<CheckResult> {
  switch (check.type) {
    case "render":
      return runRender(check, b);
    case "reject":
      return runReject(check, b);
    case "overlay":
      return runOverlay(check, b);
    case "file":
      return runFile(check, b);
    case "values-docs":
      return runValuesDocs(check, b);
    case "orphan":
      return Promise.resolve({
        what: check.label,
        type: check.type,
        documents: 0,
        ok: false,
        problems: [
          `no chart under charts/ matches ${check.file} (name it <chart>.yaml or <chart>-<variant>.yaml)`,
        ],
      });
  }
}

/** Renders and validates everything; never throws for a failing check (see `Report.ok`). */
export async function validateAll(opts: ValidateOptions = {}): Promise<Report> {
  const started = Date.now();
  const root = opts.root ?? repoRoot;
  if (!opts.helm || !opts.kubectl) await ensureTools(opts.log ?? (() => {}));
  const bins: Bins = {
    helm: opts.helm ?? join(toolsBin, "helm"),
    kubectl: opts.kubectl ?? join(toolsBin, "kubectl"),
    root,
  };
  const { filter } = opts;
  const checks = planChecks(root).filter((c) =>
    filter === undefined
      ? true
      : typeof filter === "string"
        ? c.label.includes(filter)
        : filter.test(c.label),
  );
  const concurrency = opts.concurrency ?? Math.max(2, availableParallelism());
  const results = await mapLimit(checks, concurrency, async (c) => {
    const r = await runCheck(c, bins);
    opts.log?.(`${r.ok ? "ok  " : "FAIL"} ${r.what}`);
    return r;
  });
  return { ok: results.length > 0 && results.every((r) => r.ok), results, durationMs: Date.now() - started };
}
