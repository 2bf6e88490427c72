import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ProgramRequest, ProgramRun } from "../model/types.js";

const here = dirname(fileURLToPath(import.meta.url));
/** Root of this checkout (scripts/src/validate-deploy/program -> repo). */
export const checkerRoot = resolve(here, "../../../..");
const runner = join(here, "stack-runner.ts");

/**
 * Runs one stack's program under mocks in a child process (tsx), so stacks never share the
 * Pulumi SDK's module-global state. Never throws: a crash comes back as `error`.
 */
export async function runProgram(req: Omit<ProgramRequest, "out" | "checkerRoot">): Promise<ProgramRun> {
  const dir = mkdtempSync(join(tmpdir(), "validate-deploy-"));
  const out = join(dir, "run.json");
  const reqFile = join(dir, "request.json");
  writeFileSync(reqFile, JSON.stringify({ ...req, checkerRoot, out } satisfies ProgramRequest));
  try {
    const stderr = await new Promise<string>((done) => {
      execFile(
        process.execPath,
        ["--import", "tsx", runner, reqFile],
        { cwd: checkerRoot, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
        (err, _stdout, stderr) => done(err ? `${err.message}\n${stderr}` : ""),
      );
    });
    try {
      return JSON.parse(readFileSync(out, "utf8")) as ProgramRun;
    } catch {
      return { outputs: {}, resources: [], error: `program run crashed: ${stderr.trim().slice(0, 2000)}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
