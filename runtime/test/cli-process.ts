import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Runs the real CLI (`pnpm runtime ...` is `tsx runtime/src/cli.ts ...`). */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "runtime/src/cli.ts", ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Collects a child's output as it comes, and its exit code. */
export function collect(child: ChildProcess): {
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
} {
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { stdout: () => out, stderr: () => err, exit };
}

/** Resolves with the child's first stdout line (the "runtime ready" line); rejects if it exits first. */
export function readyLine(child: ChildProcess, run: ReturnType<typeof collect>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", () => {
      const line = run.stdout().split("\n")[0] ?? "";
      if (run.stdout().includes("\n")) resolve(line);
    });
    child.on("exit", () => reject(new Error(`exited before ready: ${run.stderr()}`)));
  });
}
