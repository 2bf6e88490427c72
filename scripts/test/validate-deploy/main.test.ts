import { execFile } from "node:child_process";
import { join } from "node:path";
import { CHECKS } from "../../src/validate-deploy/checks/index.js";
import { SHIPPED_STACKS } from "../../src/validate-deploy/model/stacks.js";
import { checkerRoot } from "../../src/validate-deploy/program/run-program.js";

const LINE = /^(PASS|FAIL|SKIP) (\S+) (\S+) (helm|argocd) (.+)$/;

/** `pnpm validate-deploy` as CI runs it (node + tsx, without pnpm's own start-up). */
function validateDeploy(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(checkerRoot, "scripts/src/validate-deploy/main.ts"), ...args],
      { cwd: checkerRoot, maxBuffer: 32 * 1024 * 1024, timeout: 280_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("pnpm validate-deploy on this tree", () => {
  let run: Awaited<ReturnType<typeof validateDeploy>>;
  beforeAll(async () => {
    run = await validateDeploy([]);
  }, 300_000);

  it("prints one PASS|FAIL|SKIP line per (check, stack, mode) and nothing else", () => {
    expect(run.stderr).toBe("");
    const lines = run.stdout.trimEnd().split("\n");
    const bad = lines.filter((l) => !LINE.test(l));
    expect(bad).toEqual([]);
    const keys = lines.map((l) => LINE.exec(l)!.slice(2, 5).join(" "));
    const expected = SHIPPED_STACKS.flatMap((s) =>
      ["helm", "argocd"].flatMap((mode) => CHECKS.map((c) => `${c.name} ${s} ${mode}`)),
    );
    expect([...keys].sort()).toEqual([...expected].sort());
  });

  it("skips every check of the global stack in argocd mode", () => {
    const global = run.stdout.split("\n").filter((l) => / global argocd /.test(l));
    expect(global).toHaveLength(CHECKS.length);
    expect(
      global.every((l) => l.startsWith("SKIP ") && l.endsWith("the global stack has no argocd mode")),
    ).toBe(true);
  });

  it("exits non-zero exactly when a line FAILs", () => {
    const failed = run.stdout.split("\n").some((l) => l.startsWith("FAIL "));
    expect(run.code).toBe(failed ? 1 : 0);
  });

  it("passes every check: stacks, charts, overlays and router config agree", () => {
    expect(run.stdout.split("\n").filter((l) => l.startsWith("FAIL "))).toEqual([]);
  });

  it("filters by --stack and --mode, and rejects an unknown mode", async () => {
    const bad = await validateDeploy(["--mode", "kustomize"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--mode must be helm or argocd/);
    const only = await validateDeploy(["--stack", "global", "--mode", "argocd"]);
    expect(only.stdout.trimEnd().split("\n")).toHaveLength(CHECKS.length);
  });
});
