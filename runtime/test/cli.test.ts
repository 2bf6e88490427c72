import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cli, collect } from "./cli-process.js";
import { tinyModel } from "./helpers.js";

describe("runtime CLI", () => {
  it("stops at start-up with a message naming the bad flag", async () => {
    const run = collect(cli(["serve", "--model", "x.gguf", "--parallel", "0"]));
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain("--parallel: must be a positive integer");
    expect(run.stdout()).toBe("");
  });

  it("refuses to serve on a non-loopback host without a secret, naming the fix, before loading anything", async () => {
    const run = collect(
      cli(["serve", "--model", "x.gguf", "--host", "0.0.0.0"], { RUNTIME_HMAC_SECRET: "" }),
    );
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain(
      "--host 0.0.0.0: refusing to serve without auth on a non-loopback address: set RUNTIME_HMAC_SECRET",
    );
    expect(run.stderr()).toContain("pass --auth none");
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
});
