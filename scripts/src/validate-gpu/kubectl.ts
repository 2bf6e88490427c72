import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";

/** A kubectl call that exited non-zero; stderr is kept for the report (kubectl never prints secrets there). */
export class KubectlError extends Error {
  constructor(
    readonly args: string[],
    readonly stderr: string,
    readonly code: number | null,
  ) {
    super(`kubectl ${args.join(" ")} failed (${code}): ${stderr.trim().split("\n").slice(-1)[0] ?? ""}`);
    this.name = "KubectlError";
  }

  /** kubectl's NotFound (`Error from server (NotFound)`). */
  get notFound(): boolean {
    return /NotFound|not found/i.test(this.stderr);
  }
}

/** Finds kubectl: an explicit path, then PATH, then the repository's `.tools/bin`. */
export function findKubectl(explicit: string | undefined, env: NodeJS.ProcessEnv, repoRoot: string): string {
  if (explicit) return explicit;
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(dir, "kubectl");
    if (existsSync(candidate)) return candidate;
  }
  const tools = resolve(repoRoot, ".tools/bin/kubectl");
  if (existsSync(tools)) return tools;
  throw new Error("kubectl not found: put it on PATH, run `pnpm tools`, or pass --kubectl <path>");
}

/** Runs kubectl against one context; every read uses `-o json` so nothing depends on table layouts. */
export class Kubectl {
  constructor(
    private readonly bin: string,
    private readonly context: string | undefined,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private withContext(args: string[]): string[] {
    return this.context ? ["--context", this.context, ...args] : args;
  }

  /** Runs kubectl and returns stdout; rejects with KubectlError on a non-zero exit. */
  run(args: string[], stdin?: string): Promise<string> {
    const full = this.withContext(args);
    return new Promise((resolvePromise, reject) => {
      const child = execFile(
        this.bin,
        full,
        { env: this.env, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
        (err, stdout, stderr) => {
          if (err)
            reject(new KubectlError(args, String(stderr), typeof err.code === "number" ? err.code : null));
          else resolvePromise(String(stdout));
        },
      );
      if (stdin !== undefined) child.stdin?.end(stdin);
    });
  }

  /** Runs kubectl and parses its JSON output. */
  async json<T>(args: string[], stdin?: string): Promise<T> {
    const out = await this.run(args, stdin);
    try {
      return JSON.parse(out) as T;
    } catch {
      throw new KubectlError(args, `output is not JSON: ${out.slice(0, 200)}`, 0);
    }
  }

  /**
   * Starts `kubectl port-forward` to a local ephemeral port; resolves with that port once kubectl prints
   * "Forwarding from 127.0.0.1:<port>". The caller must kill() the returned process.
   */
  portForward(namespace: string, target: string, remotePort: number, timeoutMs = 30_000) {
    const args = this.withContext([
      "port-forward",
      "-n",
      namespace,
      target,
      `:${remotePort}`,
      "--address",
      "127.0.0.1",
    ]);
    const child: ChildProcess = spawn(this.bin, args, { env: this.env, stdio: ["ignore", "pipe", "pipe"] });
    const ready = new Promise<number>((resolvePromise, reject) => {
      let out = "";
      const timer = setTimeout(
        () => reject(new Error(`port-forward gave no port in ${timeoutMs} ms: ${out}`)),
        timeoutMs,
      );
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolvePromise(Number(m[1]));
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`port-forward exited (${code}): ${out.trim()}`));
      });
    });
    return { child, ready };
  }
}
