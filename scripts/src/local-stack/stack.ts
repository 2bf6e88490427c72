import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type BalancerName, buildRouterConfig, type StackOutputs } from "@llm/contracts";
import { ensureModel, type PresetName } from "@llm/gguf";
import { loadConfigFile, type RunningRouter, startRouter } from "@llm/router";
import { type RuntimeProcess, startRuntimeProcess } from "@llm/runtime/process";
import type { Logger } from "pino";
import { stringify } from "yaml";

export interface LocalStackOptions {
  repoRoot: string;
  /**
   * This stack's own state directory (outputs, router config, admin key). Defaults to a new
   * `<repo>/.local/stacks/stack-XXXXXX`: two stacks never share files, so a second `pnpm start`
   * cannot rewrite the config the first one hot-reloads. A failed start removes a directory it made.
   */
  dir?: string;
  /** Parent of the generated state directories. Defaults to `<repo>/.local/stacks`. */
  stateRoot?: string;
  /** Generated model preset or a GGUF path. Defaults to `tiny`. */
  model?: string;
  /** Runtimes to start, each its own local "cluster". Defaults to 2. */
  runtimes?: number;
  /**
   * Replicas of each runtime: with 2 or more, each local cluster is ONE pool target listing its
   * replicas in `endpoints` (runtimes x replicas processes). Defaults to 1 (plain targets).
   */
  replicas?: number;
  /** How a pool target picks a replica (`clusters[].balancer`). Defaults to prefix. */
  balancer?: BalancerName;
  /** Router port (0 = any free one). Defaults to 8080. */
  port?: number;
  parallel?: number;
  threads?: number;
  /** Requests each runtime queues beyond its slots before answering 429 queue_full. Runtime default (32). */
  queue?: number;
  /** Routing strategy written into the config. Defaults to hybrid. */
  strategy?: "hybrid" | "cost" | "latency" | "cluster_first" | "external_first";
  logger?: Logger;
}

export interface LocalStack {
  url: string;
  router: RunningRouter;
  runtimes: RuntimeProcess[];
  outputsPath: string;
  configPath: string;
  /** The stack's state directory (absolute). */
  dir: string;
  /** File (0600) holding the generated admin key of this stack. */
  adminKeyPath: string;
  /** The generated admin key (also in `adminKeyPath`). */
  adminKey: string;
  close(): Promise<void>;
}

/** The local tenant's API key: fixed, so docs, tests and `pnpm test-hybrid-routing` can use it. */
export const LOCAL_TENANT = "local";
export const LOCAL_API_KEY = "local-dev-key";
/** The model name the local stack advertises, whatever preset or file it runs. */
export const LOCAL_MODEL = "tiny";

const sha256 = (v: string) => createHash("sha256").update(v).digest("hex");

/**
 * Price per hour of local runtime i: made-up but distinct, so routing decisions show up.
 * A laptop has no bill; these make the first runtime the cheap one.
 */
const localPrice = (i: number) => 0.02 * (i + 1);

/** One local "stack output" per runtime (cloud `local`), shaped exactly like a cloud stack's. */
export function localStackOutputs(urls: string[], hmacSecret: string, contextLength: number): StackOutputs[] {
  return urls.map((endpoint, i) => ({
    cloud: "local",
    region: "local",
    clusterName: i === 0 ? "dev" : `dev${i + 1}`,
    authMode: "hmac",
    hmacSecret,
    pools: {
      cpu: {
        endpoint,
        instanceType: "localhost",
        pricePerHour: { onDemand: localPrice(i), spot: localPrice(i) },
        capacityType: "on-demand",
        minNodes: 1,
        maxNodes: 1,
        // The generated model carries Qwen 2.5's template with its tool-call format (`pnpm gen-gguf --help`).
        capabilities: { models: [LOCAL_MODEL], contextLength, features: ["tools"], accelerator: "cpu" },
      },
    },
  }));
}

/** `${NAME}` reference the router resolves from its environment at load time. */
const envRef = (name: string) => "$" + `{${name}}`;

/** External providers added when their API keys are in the environment (never written as values). */
function externalProvidersFromEnv(): Record<string, unknown>[] {
  const list: Record<string, unknown>[] = [];
  if (process.env.OPENAI_API_KEY)
    list.push({ type: "openai", apiKey: envRef("OPENAI_API_KEY"), defaultModel: "gpt-4o-mini" });
  if (process.env.ANTHROPIC_API_KEY)
    list.push({
      type: "anthropic",
      apiKey: envRef("ANTHROPIC_API_KEY"),
      defaultModel: "claude-3-5-haiku-latest",
    });
  if (process.env.GEMINI_API_KEY)
    list.push({ type: "gemini", apiKey: envRef("GEMINI_API_KEY"), defaultModel: "gemini-2.0-flash" });
  return list;
}

/**
 * The laptop stack: a generated model, N runtimes on loopback, stack outputs and router config
 * generated through the same `buildRouterConfig` the cloud uses, and the router in this process.
 */
export async function startLocalStack(o: LocalStackOptions): Promise<LocalStack> {
  let dir: string;
  let madeDir = false;
  if (o.dir) {
    dir = resolve(o.dir);
    await mkdir(dir, { recursive: true });
  } else {
    const root = o.stateRoot ?? join(o.repoRoot, ".local/stacks");
    await mkdir(root, { recursive: true });
    dir = resolve(await mkdtemp(join(root, "stack-")));
    madeDir = true;
  }
  const modelArg = o.model ?? "tiny";
  const hmacSecret = randomBytes(24).toString("hex");
  const adminKey = `adm-${randomBytes(24).toString("hex")}`;
  const count = o.runtimes ?? 2;
  const replicas = o.replicas ?? 1;

  const runtimes: RuntimeProcess[] = [];
  try {
    const model = modelArg.endsWith(".gguf") ? modelArg : await ensureModel(modelArg as PresetName);
    o.logger?.info({ model, runtimes: count, replicas, dir }, "starting runtimes");
    const started = await Promise.all(
      Array.from({ length: count * replicas }, () =>
        startRuntimeProcess({
          repoRoot: o.repoRoot,
          model,
          port: 0,
          hmacSecret,
          parallel: o.parallel ?? 2,
          threads: o.threads ?? 1,
          extraArgs: o.queue === undefined ? [] : ["--queue", String(o.queue)],
        }),
      ),
    );
    runtimes.push(...started);

    // Runtime i's replicas are processes i*replicas .. i*replicas+replicas-1; its stack output
    // names the first (the shape of a cloud pool's one Ingress URL), the config lists them all.
    const groups = Array.from({ length: count }, (_, i) =>
      runtimes.slice(i * replicas, (i + 1) * replicas).map((r) => r.url),
    );
    const outputs = localStackOutputs(
      groups.map((g) => g[0] as string),
      hmacSecret,
      2048,
    );
    const outputsPath = join(dir, "local-stack-outputs.json");
    await writeSecretFile(outputsPath, JSON.stringify(outputs, null, 2));
    const adminKeyPath = join(dir, "admin-key");
    await writeSecretFile(adminKeyPath, `${adminKey}\n`);
    const built = buildRouterConfig(outputs, {
      host: "127.0.0.1",
      port: o.port ?? 8080,
      routingStrategy: o.strategy,
      healthCheckInterval: "2s",
      externalProviders: externalProvidersFromEnv(),
    });
    const routerConfig = {
      ...built,
      // The exact response cache, for deterministic requests (temperature 0 or a seed) only.
      router: { ...built.router, cache: { enabled: true, deterministicOnly: true } },
      clusters:
        replicas > 1
          ? built.clusters.map((c, i) => ({ ...c, endpoints: groups[i], balancer: o.balancer ?? "prefix" }))
          : built.clusters,
      // Keys are stored as hashes: the file holds no usable credential but the HMAC secret.
      tenants: [
        {
          id: LOCAL_TENANT,
          name: "local stack",
          keys: [{ id: "local-dev", keyHash: sha256(LOCAL_API_KEY) }],
        },
      ],
      admin: { keyHash: sha256(adminKey) },
    };
    const configPath = join(dir, "router.yaml");
    await writeSecretFile(
      configPath,
      `# Generated by pnpm start from ${outputsPath}\n${stringify(routerConfig)}`,
    );

    // createRouter (through startRouter) composes tenants, guard, usage ledger and admin API, as `pnpm router` does.
    const config = await loadConfigFile(configPath);
    const router = await startRouter({ config, configPath, logger: o.logger });
    return {
      url: router.url,
      router,
      runtimes,
      outputsPath,
      configPath,
      dir,
      adminKeyPath,
      adminKey,
      async close() {
        await router.close();
        await Promise.all(runtimes.map((r) => r.stop()));
      },
    };
  } catch (err) {
    await Promise.all(runtimes.map((r) => r.stop(2000)));
    if (madeDir) await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The machine-readable lines `pnpm start` prints, each on its own line (a contract: tests and
 * scripts read them): `router <url>`, `runtimes <url> …`, `config <path>`, `admin-key-file <path>`.
 */
export function stackLines(
  s: Pick<LocalStack, "url" | "runtimes" | "configPath" | "adminKeyPath">,
): string[] {
  return [
    `router ${s.url}`,
    `runtimes ${s.runtimes.map((r) => r.url).join(" ")}`,
    `config ${s.configPath}`,
    `admin-key-file ${s.adminKeyPath}`,
  ];
}

/** Owner-only: these files hold the HMAC secret or the admin key. */
async function writeSecretFile(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
}
