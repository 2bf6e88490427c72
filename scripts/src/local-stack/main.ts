import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pino from "pino";
import { LOCAL_API_KEY, LOCAL_MODEL, stackLines, startLocalStack } from "./stack.js";

const USAGE = `usage: pnpm start [--runtimes 2] [--model tiny|<file.gguf>] [--port 8080] [--threads 1] [--parallel 2]
               [--strategy hybrid|cost|latency|cluster_first|external_first]
               [--replicas N [--balancer prefix|least-loaded|round-robin]]
  --replicas N makes each runtime ONE pool target of N runtime processes (runtimes x replicas in all).
  PORT overrides the router port. OPENAI_API_KEY / ANTHROPIC_API_KEY / GEMINI_API_KEY add external providers.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runtimes: { type: "string" },
      replicas: { type: "string" },
      balancer: { type: "string" },
      model: { type: "string" },
      port: { type: "string" },
      threads: { type: "string" },
      parallel: { type: "string" },
      strategy: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const int = (name: string, v: string | undefined, min: number, max: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be an integer ${min}-${max}`);
    return n;
  };
  const strategies = ["hybrid", "cost", "latency", "cluster_first", "external_first"] as const;
  const strategy = values.strategy as (typeof strategies)[number] | undefined;
  if (strategy && !strategies.includes(strategy))
    throw new Error(`--strategy must be one of ${strategies.join(", ")}`);

  const balancers = ["prefix", "least-loaded", "round-robin"] as const;
  const balancer = values.balancer as (typeof balancers)[number] | undefined;
  if (balancer && !balancers.includes(balancer))
    throw new Error(`--balancer must be one of ${balancers.join(", ")}`);

  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../..");
  const logger = pino({ level: process.env.LOG_LEVEL ?? "info", name: "local-stack" });
  const stack = await startLocalStack({
    repoRoot,
    runtimes: int("runtimes", values.runtimes, 1, 8),
    replicas: int("replicas", values.replicas, 1, 8),
    balancer,
    model: values.model,
    port: int("port", values.port ?? process.env.PORT, 0, 65535),
    threads: int("threads", values.threads, 1, 64),
    parallel: int("parallel", values.parallel, 1, 64),
    strategy,
    logger,
  });
  console.log(stackLines(stack).join("\n"));
  console.log(`
admin key (printed once; also in the admin-key-file): ${stack.adminKey}
outputs ${stack.outputsPath}
console ${stack.url}/ui (log in with ${LOCAL_API_KEY} or the admin key)
reload the router with SIGHUP or by editing its config.

try it:
  curl -s ${stack.url}/v1/chat/completions -H 'authorization: Bearer ${LOCAL_API_KEY}' \\
    -H 'content-type: application/json' \\
    -d '{"model":"${LOCAL_MODEL}","messages":[{"role":"user","content":"Hello"}],"max_tokens":16}' -D -
  curl -s ${stack.url}/health
  pnpm test-hybrid-routing --url ${stack.url} --api-key ${LOCAL_API_KEY}

Ctrl-C stops everything.`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping the local stack");
    await stack.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  for (const r of stack.runtimes)
    r.child.on("exit", (code, sig) => {
      if (!stopping)
        logger.warn({ url: r.url, code, signal: sig }, "a runtime exited; the router routes around it");
    });
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
