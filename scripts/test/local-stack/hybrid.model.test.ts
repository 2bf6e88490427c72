import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import pino from "pino";
import { parse, stringify } from "yaml";
import { LOCAL_API_KEY, type LocalStack, startLocalStack } from "../../src/local-stack/stack.js";

/**
 * Issue #17 as a new user ran it: the local stack's generated router.yaml plus an external
 * provider (a fake OpenAI), served by `pnpm router --config` on another port. An idle cluster keeps
 * its traffic (before the cost model, requests 3+ went to openai with cluster_over_threshold), and
 * a saturated runtime's 429 queue_full spills to the external instead of reaching the client.
 */
describe("hybrid routing on the local stack with an external provider", () => {
  let root: string;
  let stack: LocalStack;
  let openai: FakeOpenAI;
  let routerUrl: string;
  let stopRouter: () => Promise<void>;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "local-hybrid-"));
    // One slot and no queue: a second concurrent request is refused with 429 queue_full.
    stack = await startLocalStack({
      repoRoot: process.cwd(),
      stateRoot: root,
      runtimes: 1,
      parallel: 1,
      queue: 0,
      port: 0,
      logger: pino({ level: "silent" }),
    });
    openai = await startFakeOpenAI({ name: "openai", apiKey: "sk-fake", prefix: "/v1" });
    const cfg = parse(await readFile(stack.configPath, "utf8")) as Record<string, unknown>;
    cfg.server = { ...(cfg.server as object), port: 0 };
    // The run: no retry budget, so only the overflow rule may spill a saturated pool.
    cfg.router = { ...(cfg.router as object), maxRetries: 0 };
    cfg.externalProviders = [
      {
        name: "openai",
        type: "openai",
        apiKey: "sk-fake",
        baseURL: `${openai.url}/v1`,
        models: { tiny: "gpt-4o-mini" },
        fallbackForAnyModel: false,
      },
    ];
    const file = join(root, "router-with-openai.yaml");
    await writeFile(file, stringify(cfg), { mode: 0o600 });
    const child = spawn(process.execPath, ["--import", "tsx", "router/src/cli.ts", "--config", file], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    routerUrl = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on("line", (l) => {
        const m = /^router ready on (\S+)/.exec(l);
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`router exited ${code}`)));
    });
    stopRouter = async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    };
  });

  afterAll(async () => {
    await stopRouter?.();
    await stack?.close();
    await openai?.close();
    await rm(root, { recursive: true, force: true });
  });

  const chat = (maxTokens: number) =>
    fetch(`${routerUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${LOCAL_API_KEY}` },
      body: JSON.stringify({
        model: "tiny",
        max_tokens: maxTokens,
        messages: [{ role: "user", content: "hi" }],
      }),
    });

  it("keeps requests on the idle cluster across health polls (one every 2.5 s)", async () => {
    const where: string[] = [];
    for (let i = 0; i < 6; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 2500));
      const res = await chat(16);
      expect(res.status).toBe(200);
      await res.text();
      where.push(`${res.headers.get("x-router-target")}:${res.headers.get("x-router-reason")}`);
    }
    expect(where.every((w) => w.startsWith("local-dev-cpu:"))).toBe(true);
    expect(openai.requests).toBe(0);
  }, 60_000);

  it("spills what the saturated runtime refuses (429 queue_full) to the external: no client sees a 429", async () => {
    // Long enough answers that the one slot is still busy when the others arrive.
    const answers = await Promise.all(Array.from({ length: 8 }, () => chat(256)));
    const statuses = answers.map((r) => r.status);
    const targets = answers.map((r) => r.headers.get("x-router-target"));
    await Promise.all(answers.map((r) => r.text()));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(targets).toContain("local-dev-cpu");
    expect(targets).toContain("openai");
  }, 60_000);
});
