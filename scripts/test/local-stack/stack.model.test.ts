import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { startLocalStack } from "../../src/local-stack/stack.js";

describe("pnpm start (local stack)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "local-stack-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("starts a runtime process and the router on loopback, serves a chat request, and stops cleanly", async () => {
    const stack = await startLocalStack({
      repoRoot: process.cwd(),
      dir,
      runtimes: 1,
      port: 0,
      logger: pino({ level: "silent" }),
    });
    const child = stack.runtimes[0]!.child;
    try {
      const res = await fetch(`${stack.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "tiny",
          messages: [{ role: "user", content: "Hello" }],
          max_tokens: 4,
        }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-router-target")).toBe("local-dev-cpu");
      expect(((await res.json()) as { object: string }).object).toBe("chat.completion");
      // Both generated files hold the HMAC secret: owner-only.
      expect((await stat(stack.configPath)).mode & 0o777).toBe(0o600);
      expect((await stat(stack.outputsPath)).mode & 0o777).toBe(0o600);
    } finally {
      await stack.close();
    }
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
  });
});
