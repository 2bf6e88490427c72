import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import pino from "pino";
import { LOCAL_API_KEY, type LocalStack, stackLines, startLocalStack } from "../../src/local-stack/stack.js";

const chat = (url: string, key?: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "Hello" }], max_tokens: 4 }),
  });

describe("pnpm start (local stack)", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "local-stack-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("serves model tiny to tenant local's key, keeps its files owner-only, and stops cleanly", async () => {
    const stack = await startLocalStack({
      repoRoot: process.cwd(),
      stateRoot: root,
      runtimes: 1,
      port: 0,
      logger: pino({ level: "silent" }),
    });
    const child = stack.runtimes[0]!.child;
    try {
      const res = await chat(stack.url, LOCAL_API_KEY);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-router-target")).toBe("local-dev-cpu");
      expect(((await res.json()) as { object: string }).object).toBe("chat.completion");
      // Tenants are configured: no key, no answer.
      expect((await chat(stack.url)).status).toBe(401);
      // The admin key in its file opens the admin API; the config holds only hashes of keys.
      const adminKey = (await readFile(stack.adminKeyPath, "utf8")).trim();
      expect(adminKey).toBe(stack.adminKey);
      const admin = await fetch(`${stack.url}/admin/tenants`, {
        headers: { authorization: `Bearer ${adminKey}` },
      });
      expect(admin.status).toBe(200);
      const config = await readFile(stack.configPath, "utf8");
      expect(config).not.toContain(LOCAL_API_KEY);
      expect(config).not.toContain(adminKey);
      // The generated files hold the HMAC secret or the admin key: owner-only.
      for (const f of [stack.configPath, stack.outputsPath, stack.adminKeyPath])
        expect((await stat(f)).mode & 0o777).toBe(0o600);
      const lines = stackLines(stack);
      expect(lines[0]).toBe(`router ${stack.url}`);
      expect(lines[1]).toBe(`runtimes ${stack.runtimes[0]!.url}`);
      expect(lines[2]).toMatch(/^config \/.*router\.yaml$/);
      expect(lines[3]).toMatch(/^admin-key-file \/.*admin-key$/);
      expect(isAbsolute(stack.configPath) && stack.configPath.startsWith(stack.dir)).toBe(true);
    } finally {
      await stack.close();
    }
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
  });

  it("gives a second stack its own state directory; a failed start changes nothing", async () => {
    const logger = pino({ level: "silent" });
    const first: LocalStack = await startLocalStack({
      repoRoot: process.cwd(),
      stateRoot: root,
      runtimes: 1,
      port: 0,
      logger,
    });
    try {
      const before = await readFile(first.configPath, "utf8");
      const dirsBefore = (await readdir(root)).sort();
      // Same port: the router cannot listen (EADDRINUSE). Nothing of the first stack may change.
      const port = Number(new URL(first.url).port);
      await expect(
        startLocalStack({ repoRoot: process.cwd(), stateRoot: root, runtimes: 1, port, logger }),
      ).rejects.toThrow(/EADDRINUSE|in use/i);
      expect(await readFile(first.configPath, "utf8")).toBe(before);
      expect((await readdir(root)).sort()).toEqual(dirsBefore);
      expect((await chat(first.url, LOCAL_API_KEY)).status).toBe(200);
    } finally {
      await first.close();
    }
  });
});
