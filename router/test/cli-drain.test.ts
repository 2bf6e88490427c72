import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** The router CLI on SIGTERM with ROUTER_DRAIN_DELAY: unready at once, still serving, then gone. */
describe("pnpm router: SIGTERM drain", () => {
  const config = join(mkdtempSync(join(tmpdir(), "router-drain-")), "router.yaml");
  beforeAll(() => {
    writeFileSync(
      config,
      "server:\n  host: 127.0.0.1\n  logLevel: error\n" +
        "clusters:\n  - name: c\n    endpoint: http://127.0.0.1:1\n    models: [tiny]\n",
    );
  });
  const start = (drainDelay: string): ChildProcess =>
    spawn(process.execPath, ["--import", "tsx", "router/src/cli.ts", "--config", config, "--port", "0"], {
      env: { ...process.env, ROUTER_DRAIN_DELAY: drainDelay },
      stdio: ["ignore", "pipe", "pipe"],
    });

  it("answers /readyz 503 and keeps serving for ROUTER_DRAIN_DELAY, then exits 0", async () => {
    const child = start("3s");
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on("line", (l) => {
        const m = /^router ready on (\S+)/.exec(l);
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`router exited ${code}`)));
    });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    // Until the signal is handled /readyz may still say 200; then it says 503 for the whole delay.
    let ready = 200;
    for (let i = 0; i < 40 && ready === 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      ready = (await fetch(`${url}/readyz`)).status;
    }
    expect(ready).toBe(503);
    expect((await fetch(`${url}/livez`)).status).toBe(200);
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it("refuses a malformed ROUTER_DRAIN_DELAY at start-up, naming it", async () => {
    const child = start("soon");
    let err = "";
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(err).toContain('ROUTER_DRAIN_DELAY must be a duration of at most 5m (e.g. 5s), got "soon"');
  });
});
