import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

// The compiled router the images run (node router/dist/cli.js), built by the same script the
// Dockerfiles call, started once from a directory with no node_modules near it.
const repo = resolve(import.meta.dirname, "../..");
let dir: string;
let proc: ChildProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "build-images-"));
});

afterAll(async () => {
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc!.once("exit", r));
    proc.kill("SIGTERM");
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
});

describe("compiled router (scripts/build-images.mjs)", () => {
  it("bundles the router into one ESM file that starts and answers /livez and /readyz", async () => {
    const outdir = join(dir, "router", "dist");
    await promisify(execFile)(
      process.execPath,
      [join(repo, "scripts/build-images.mjs"), "router", "--outdir", outdir],
      {
        cwd: repo,
      },
    );
    expect(JSON.parse(await readFile(join(outdir, "package.json"), "utf8"))).toEqual({ type: "module" });
    const config = join(dir, "router.yaml");
    await writeFile(
      config,
      [
        "server: { host: 127.0.0.1, port: 0, logLevel: warn }",
        "clusters:",
        '  - { name: down, endpoint: "http://127.0.0.1:1", models: [tiny], costPerHour: 0.01 }',
      ].join("\n"),
    );
    const child = spawn(process.execPath, [join(outdir, "cli.js"), "--config", config], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    proc = child;
    const url = await new Promise<string>((res, rej) => {
      let out = "";
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /router ready on (\S+)/.exec(out);
        if (m) res(m[1]!);
      });
      child.stderr!.resume();
      child.once("exit", (code) => rej(new Error(`compiled router exited with ${code}: ${out}`)));
    });
    const live = await fetch(`${url}/livez`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "alive" });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });
});
