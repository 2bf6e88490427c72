/**
 * validate-deploy as a library: build the deployment model of each (stack, mode), run every
 * check over it, one result per (check, stack, mode).
 */
import { join } from "node:path";
import { loadCatalog } from "@llm/models";
import { CHECKS } from "./checks/index.js";
import { loadPins } from "./checks/pins-file.js";
import type { CheckContext, CheckResult, DeployCheck, Status } from "./checks/types.js";
import { buildModels } from "./model/build.js";
import { loadStackConfig, SHIPPED_STACKS } from "./model/stacks.js";
import { DEPLOY_MODES, type DeployMode, type DeploymentModel } from "./model/types.js";

export interface LineResult {
  status: Status;
  check: string;
  stack: string;
  mode: DeployMode;
  detail: string;
  problems?: string[];
}

export interface ValidateDeployOptions {
  /** Tree to validate. */
  root: string;
  /** Stacks to report. Defaults to the shipped ones. */
  stacks?: string[];
  /** Modes to report. Defaults to helm and argocd. */
  modes?: DeployMode[];
  /** Build the authMode-flipped variants. Defaults to true. */
  variants?: boolean;
}

/** `PASS|FAIL|SKIP <check> <stack> <mode> <detail>`, on one line. */
export function formatLine(r: LineResult): string {
  return `${r.status} ${r.check} ${r.stack} ${r.mode} ${r.detail.replace(/\s*\n\s*/g, " ")}`.trimEnd();
}

/** At most 8 problems of at most 400 characters each on the line; --json has them all. */
function summarize(problems: string[]): string {
  const shown = problems.slice(0, 8).map((p) => (p.length > 400 ? `${p.slice(0, 397)}...` : p));
  const more = problems.length - shown.length;
  return `${shown.join("; ")}${more > 0 ? `; (+${more} more, --json lists all)` : ""}`;
}

/** Runs the checks over built models (pure; the tests call it on synthetic models). */
export function runChecks(
  models: DeploymentModel[],
  ctx: Omit<CheckContext, "world"> & { world?: DeploymentModel[] },
  checks: DeployCheck[] = CHECKS,
): LineResult[] {
  const full: CheckContext = { ...ctx, world: ctx.world ?? models };
  const out: LineResult[] = [];
  for (const m of models)
    for (const check of checks) {
      let r: CheckResult;
      try {
        r = check.run(m, full);
      } catch (e) {
        r = { status: "FAIL", detail: `check crashed: ${e instanceof Error ? e.message : String(e)}` };
      }
      if (m.problems.length) {
        // The model is missing something (program or render error): nothing it says can pass.
        const own = r.status === "FAIL" ? (r.problems ?? [r.detail]) : [];
        const problems = [...m.problems.map((p) => `model incomplete: ${p}`), ...own];
        r = { status: "FAIL", detail: problems.join("; "), problems };
      }
      if (r.problems && r.problems.length > 0) r = { ...r, detail: summarize(r.problems) };
      out.push({ check: check.name, stack: m.stack, mode: m.mode, ...r });
    }
  return out;
}

export async function validateDeploy(
  opts: ValidateDeployOptions,
): Promise<{ results: LineResult[]; ok: boolean }> {
  const stacks = opts.stacks ?? [...SHIPPED_STACKS];
  const modes = opts.modes ?? DEPLOY_MODES;
  const skipped: LineResult[] = [];
  const targets: { stack: string; mode: DeployMode }[] = [];
  for (const stack of stacks)
    for (const mode of modes) {
      if (loadStackConfig(opts.root, stack).program === "global" && mode === "argocd")
        for (const check of CHECKS)
          skipped.push({
            status: "SKIP",
            check: check.name,
            stack,
            mode,
            detail: "the global stack has no argocd mode",
          });
      else targets.push({ stack, mode });
    }
  // Cloud checks look at the global stack (router URL, pool DNS records): build it as context.
  const context = !targets.some((t) => t.stack === "global") && targets.length > 0;
  const built = await buildModels({
    root: opts.root,
    targets: context ? [...targets, { stack: "global", mode: "helm" }] : targets,
    variants: opts.variants,
  });
  const reported = built.filter((m) => targets.some((t) => t.stack === m.stack && t.mode === m.mode));
  const ctx = {
    root: opts.root,
    catalog: loadCatalog(join(opts.root, "models", "catalog.yaml")),
    pins: loadPins(opts.root),
  };
  const results = [...runChecks(reported, { ...ctx, world: built }), ...skipped];
  const order = (r: LineResult) => `${stacks.indexOf(r.stack)}|${modes.indexOf(r.mode)}`;
  results.sort(
    (a, b) =>
      order(a).localeCompare(order(b)) ||
      CHECKS.findIndex((c) => c.name === a.check) - CHECKS.findIndex((c) => c.name === b.check),
  );
  return { results, ok: results.every((r) => r.status !== "FAIL") };
}
