import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";

/**
 * The fast fake upstream: plain node:http answering every POST with one fixed OpenAI chat
 * completion, as cheaply as possible, so the benchmark measures the router and not the upstream.
 */
const UPSTREAM_SOURCE = `
const http = require("node:http");
const body = JSON.stringify({
  id: "chatcmpl-bench", object: "chat.completion", created: 1, model: "tiny",
  choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 },
});
const health = JSON.stringify({ status: "ok", ready: true, queue_depth: 0 });
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const b = req.url === "/health" ? health : req.url === "/metrics" ? "" : body;
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(b) });
    res.end(b);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => console.log("upstream ready on http://127.0.0.1:" + server.address().port));
process.on("SIGTERM", () => process.exit(0));
`;

export interface Proc {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function waitReady(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const m = pattern.exec(line);
      if (m) resolve(m[1] as string);
    });
    child.once("exit", (code) => reject(new Error(`${what} exited (${code}) before ready\n${err}`)));
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(t);
  };
}

export async function startUpstream(): Promise<Proc> {
  const child = spawn(process.execPath, ["-e", UPSTREAM_SOURCE], { stdio: ["ignore", "pipe", "pipe"] });
  const url = await waitReady(child, /^upstream ready on (\S+)/, "fake upstream");
  return { url, child, stop: stopper(child) };
}

/**
 * Runs the real router CLI (`pnpm router`) in its own process, in front of `upstreamUrl`; with
 * `cache`, its exact response cache is on (deterministic requests only, the default).
 */
export async function startRouterProcess(
  repoRoot: string,
  dir: string,
  upstreamUrl: string,
  opts: { cache?: boolean; webhookUrl?: string } = {},
): Promise<Proc> {
  const configPath = join(dir, "bench-router.yaml");
  await writeFile(
    configPath,
    [
      "server:",
      "  host: 127.0.0.1",
      "  logLevel: warn",
      "router:",
      "  routingStrategy: hybrid",
      "  healthCheckInterval: 10s",
      ...(opts.cache ? ["  cache:", "    enabled: true"] : []),
      "clusters:",
      "  - name: bench",
      `    endpoint: ${upstreamUrl}`,
      "    models: [tiny]",
      "    costPerHour: 0.01",
      "    authType: hmac",
      "    sharedSecret: bench-secret-0123456789abcdef",
      // Every event (one decision per request) queued for a webhook: what it adds to the request path.
      ...(opts.webhookUrl
        ? [
            "webhooks:",
            "  - name: bench",
            `    url: ${opts.webhookUrl}`,
            "    secret: bench-webhook-secret-0123456789",
          ]
        : []),
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  // BENCH_ROUTER_ENTRY=<file> swaps the entry point (same --config/--port flags) for comparisons;
  // BENCH_PROFILE_DIR=<dir> writes a V8 CPU profile of the router process there.
  const profile = process.env.BENCH_PROFILE_DIR
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const child = spawn(
    process.execPath,
    [
      ...profile,
      "--import",
      "tsx",
      process.env.BENCH_ROUTER_ENTRY ?? join(repoRoot, "router/src/cli.ts"),
      "--config",
      configPath,
      "--port",
      "0",
    ],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PORT: "0" } },
  );
  const url = await waitReady(child, /^router ready on (\S+)/, "router");
  return { url, child, stop: stopper(child) };
}
