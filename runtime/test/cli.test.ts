import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tinyModel } from "./helpers.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Runs the real CLI (`pnpm runtime ...` is `tsx runtime/src/cli.ts ...`). */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "runtime/src/cli.ts", ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function collect(child: ChildProcess): {
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

describe("runtime CLI", () => {
  it("stops at start-up with a message naming the bad flag", async () => {
    const run = collect(cli(["serve", "--model", "x.gguf", "--parallel", "0"]));
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain("--parallel: must be a positive integer");
    expect(run.stdout()).toBe("");
  });

  it("download verifies the hash: mismatch exits non-zero, a match lands the file", async () => {
    const model = await tinyModel();
    const sha = createHash("sha256").update(readFileSync(model)).digest("hex");
    const out = path.join(mkdtempSync(path.join(tmpdir(), "runtime-cli-")), "m.gguf");
    const bad = collect(cli(["download", `file://${model}`, "--sha256", "f".repeat(64), "--out", out]));
    expect(await bad.exit).toBe(1);
    expect(bad.stderr()).toContain("sha256 mismatch");
    expect(existsSync(out)).toBe(false);

    const good = collect(cli(["download", `file://${model}`, "--sha256", sha, "--out", out]));
    expect(await good.exit).toBe(0);
    expect(good.stdout()).toContain(`sha256=${sha}`);
    expect(readFileSync(out).equals(readFileSync(model))).toBe(true);
  });

  it("prints one ready line, then on SIGTERM finishes the in-flight request and exits 0", async () => {
    const model = await tinyModel();
    const child = cli(
      ["serve", "--model", model, "--port", "0", "--gpu", "off", "--threads", "1", "--parallel", "1"],
      {
        RUNTIME_LOG_LEVEL: "warn",
      },
    );
    const run = collect(child);
    const ready = await new Promise<string>((resolve, reject) => {
      child.stdout?.on("data", () => {
        const line = run.stdout().split("\n")[0] ?? "";
        if (run.stdout().includes("\n")) resolve(line);
      });
      child.on("exit", () => reject(new Error(`exited before ready: ${run.stderr()}`)));
    });
    const match = /^runtime ready on (http:\/\/127\.0\.0\.1:\d+) model=tiny-s1 backend=cpu$/.exec(ready);
    expect(match).not.toBeNull();
    const url = match?.[1] as string;

    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({
        model: "tiny",
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 1500,
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let body = decoder.decode((await reader.read()).value);
    // The request is in flight (first chunk received): ask the process to stop.
    child.kill("SIGTERM");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      body += decoder.decode(value);
    }
    expect(body).toContain('"finish_reason":"length"');
    expect(body).toContain('"completion_tokens":1500');
    expect(body.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(await run.exit).toBe(0);
    expect(run.stdout().trim().split("\n")).toHaveLength(1);
  });
});
