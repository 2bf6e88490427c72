import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface RuntimeProcessOptions {
  /** Working directory of the child (relative model paths resolve from it). Defaults to `process.cwd()`. */
  repoRoot?: string;
  model: string;
  /** 0 lets the runtime pick a free port (read back from its ready line). */
  port: number;
  /** Unset: the runtime runs with auth off (benchmarks on loopback). */
  hmacSecret?: string;
  parallel: number;
  threads: number;
  /** More `runtime serve` flags. */
  extraArgs?: readonly string[];
  /** Give up waiting for the ready line after this long. Defaults to 120 s. */
  readyTimeoutMs?: number;
}

export interface RuntimeProcess {
  url: string;
  child: ChildProcess;
  /** SIGTERM (the runtime drains), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** This package's own CLI, wherever the package lives. */
const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));

const READY = /^runtime ready on (http:\/\/\S+)/;

/**
 * Starts `runtime serve` as a child process — the command `pnpm runtime serve` runs, without
 * pnpm in between so signals reach the runtime — and resolves at its single ready line.
 */
export async function startRuntimeProcess(o: RuntimeProcessOptions): Promise<RuntimeProcess> {
  // `node --import tsx` rather than the tsx binary: one process, so signals and the pid are the runtime's own.
  const args = [
    "--import",
    "tsx",
    CLI,
    "serve",
    "--model",
    o.model,
    "--port",
    String(o.port),
    "--host",
    "127.0.0.1",
    "--parallel",
    String(o.parallel),
    "--threads",
    String(o.threads),
    ...(o.extraArgs ?? []),
  ];
  // One libuv pool thread: every decode on the same OS thread (runtime/README.md, "Why two threads lost").
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? "1",
  };
  if (o.hmacSecret === undefined) delete env.RUNTIME_HMAC_SECRET;
  else env.RUNTIME_HMAC_SECRET = o.hmacSecret;
  const child = spawn(process.execPath, args, {
    cwd: o.repoRoot ?? process.cwd(),
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderrTail = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderrTail = (stderrTail + d.toString("utf8")).slice(-2000);
  });
  const exited = once(child, "exit");

  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`runtime did not report ready within ${o.readyTimeoutMs ?? 120_000} ms\n${stderrTail}`),
      );
    }, o.readyTimeoutMs ?? 120_000);
    lines.on("line", (line) => {
      const m = READY.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`runtime exited with code ${code} before it was ready\n${stderrTail}`));
    });
  });

  return {
    url,
    child,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
