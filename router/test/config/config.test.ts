/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: configs use literal ${ENV} references */
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeUpstream } from "@llm/testing";
import { ConfigError } from "../../src/config/errors.js";
import { loadConfigFile, parseConfig, parseConfigText } from "../../src/config/load.js";
import { ConfigWatcher } from "../../src/config/watch.js";
import { listen, post, silent } from "../helpers/router.js";

const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error("expected a ConfigError");
};

const cluster = (over: Record<string, unknown> = {}) => ({
  name: "c1",
  endpoint: "http://10.0.0.1:8080",
  models: ["tiny"],
  ...over,
});

describe("router config", () => {
  it("fills every default from an empty document", () => {
    const cfg = parseConfig({}, {});
    expect(cfg.server).toEqual({
      host: "0.0.0.0",
      port: 8080,
      requestTimeout: 120_000,
      firstByteTimeout: 30_000,
      bodyLimit: "4mb",
      logLevel: "info",
      shutdownGrace: 10_000,
      readTimeout: 60_000,
      idleTimeout: 65_000,
      cors: { allowedOrigins: [], allowCredentials: false, maxAge: 600_000 },
    });
    expect(cfg.router).toMatchObject({
      routingStrategy: "hybrid",
      clusterCostThreshold: 0.002,
      enableExternalFallback: true,
      healthCheckInterval: 10_000,
      maxRetries: 2,
      circuitBreaker: { failureThreshold: 5, openDuration: 30_000, halfOpenRequests: 1 },
    });
    expect(cfg.clusters).toEqual([]);
  });

  it("reads the Go project's YAML shape with durations, env interpolation and aliases", () => {
    const yaml = `
server:
  host: 127.0.0.1
  port: 9090
router:
  routingStrategy: cost
  clusterCostThreshold: 0.001
  enableExternalFallback: false
  healthCheckInterval: 5s
  maxLatencyMs: 2000
  maxQueueDepth: 10
clusters:
  - name: aws-gpu
    endpoint: \${AWS_GPU_URL}
    region: us-east-1
    provider: aws
    pool: gpu
    costPerHour: 0.526
    authType: hmac
    sharedSecret: \${AWS_SECRET}
    models: [tinyllama]
    contextLength: 2048
    scaleToZero: true
externalProviders:
  - type: claude
    apiKey: \${ANTHROPIC_API_KEY:-none}
    models:
      tinyllama: claude-3-5-haiku
  - name: oai
    type: openai
    apiKey: k
    baseURL: http://127.0.0.1:9/v1
    defaultModel: gpt-4o-mini
    models:
      - { name: fast, upstream: gpt-4o-mini }
      - gpt-4o
    pricing:
      gpt-4o-mini: { input: 0.1, output: 0.2 }
    rateLimit: { requestsPerMinute: 60 }
`;
    const cfg = parseConfigText(yaml, { AWS_GPU_URL: "https://gpu.example.com", AWS_SECRET: "s".repeat(20) });
    expect(cfg.server).toMatchObject({ host: "127.0.0.1", port: 9090 });
    expect(cfg.router).toMatchObject({
      routingStrategy: "cost",
      healthCheckInterval: 5000,
      maxQueueDepth: 10,
    });
    expect(cfg.clusters[0]).toMatchObject({
      endpoint: "https://gpu.example.com",
      sharedSecret: "s".repeat(20),
    });
    expect(cfg.externalProviders[0]).toMatchObject({
      name: "anthropic",
      type: "anthropic",
      apiKey: "none",
      models: [{ name: "tinyllama", upstream: "claude-3-5-haiku" }],
      fallbackForAnyModel: false,
    });
    expect(cfg.externalProviders[1]).toMatchObject({
      name: "oai",
      models: [
        { name: "fast", upstream: "gpt-4o-mini" },
        { name: "gpt-4o", upstream: "gpt-4o" },
      ],
      fallbackForAnyModel: true,
      pricing: { "gpt-4o-mini": { input: 0.1, output: 0.2 } },
    });
  });

  it("accepts the original Go project's config file as it was", () => {
    const yaml = `
server:
  port: 8080
  readTimeout: 30s
  writeTimeout: 120s
  idleTimeout: 90s
router:
  stickinessWindow: 5m
  healthCheckInterval: 30s
  maxLatencyMs: 5000
  maxQueueDepth: 10
  overheadFactor: 1.2
  metricsUpdateInterval: 15s
  routingStrategy: hybrid
  enableExternalFallback: true
  clusterCostThreshold: 0.01
  enableSmartMocking: false
  monthlyAPIBudget: 100
clusters:
  - name: aws-us-west-2
    endpoint: https://aws.llm.example.com
    region: us-west-2
    provider: aws
    costPerHour: 0.0928
    authType: hmac
    sharedSecret: your-shared-secret
externalProviders:
  - name: openai
    type: openai
    enabled: true
    apiKey: "\${OPENAI_API_KEY}"
    defaultModel: gpt-3.5-turbo
demo:
  enabled: false
`;
    const cfg = parseConfigText(yaml, { OPENAI_API_KEY: "sk-x" });
    expect(cfg.server).toMatchObject({ readTimeout: 30_000, requestTimeout: 120_000, idleTimeout: 90_000 });
    expect(cfg.router).toMatchObject({
      overheadFactor: 1.2,
      clusterCostThreshold: 0.01,
      healthCheckInterval: 30_000,
    });
    // No models listed: the cluster takes any model name as is.
    expect(cfg.clusters[0]?.models).toEqual([]);
  });

  it.each([
    [
      "a bad cluster URL",
      { clusters: [cluster(), cluster({ name: "c2", endpoint: "not a url" })] },
      "clusters[1].endpoint: Invalid URL",
    ],
    [
      "a missing secret for hmac",
      { clusters: [cluster({ authType: "hmac" })] },
      "clusters[0].sharedSecret: required",
    ],
    [
      "an unknown strategy",
      { router: { routingStrategy: "fastest" } },
      "router.routingStrategy: Invalid option",
    ],
    [
      "a bad duration",
      { router: { healthCheckInterval: "soon" } },
      'router.healthCheckInterval: Invalid duration "soon"',
    ],
    ["an unknown key", { router: { routingStrategyy: "cost" } }, 'router: unknown key(s) "routingStrategyy"'],
    [
      "duplicate target names",
      { clusters: [cluster()], externalProviders: [{ name: "c1", type: "openai" }] },
      'externalProviders[0].name: duplicate target name "c1"',
    ],
    [
      "an unknown provider type",
      { externalProviders: [{ type: "mistral" }] },
      "externalProviders[0].type: Invalid option",
    ],
    [
      "a provider region that is not a string",
      { externalProviders: [{ type: "openai", region: 5 }] },
      "externalProviders[0].region: Invalid input: expected string",
    ],
    [
      "half an mTLS pair",
      { clusters: [cluster({ authType: "mtls", certFile: "/c.pem" })] },
      "clusters[0].keyFile: certFile and keyFile go together",
    ],
  ])("names the field for %s", (_label, raw, message) => {
    expect(errorOf(() => parseConfig(raw, {}))).toContain(message);
  });

  it("names the field of an unset environment variable", () => {
    expect(errorOf(() => parseConfig({ clusters: [cluster({ sharedSecret: "${NOPE}" })] }, {}))).toContain(
      "clusters[0].sharedSecret: environment variable NOPE is not set",
    );
  });

  it("reports YAML syntax errors and unreadable files", async () => {
    expect(errorOf(() => parseConfigText("router: [", {}))).toMatch(/YAML/);
    await expect(loadConfigFile("/nonexistent/router.yaml")).rejects.toThrow("cannot read router config");
  });
});

describe("config reload", () => {
  let dir: string;
  let a: FakeUpstream;
  let b: FakeUpstream;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "router-reload-"));
    a = await new FakeUpstream({ name: "a" }).start();
    b = await new FakeUpstream({ name: "b" }).start();
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await rm(dir, { recursive: true, force: true });
  });

  const yamlFor = (url: string, name: string) =>
    `clusters:\n  - name: ${name}\n    endpoint: ${url}\n    models: [tiny]\n`;

  it("applies a new file on reload (SIGHUP) without dropping an in-flight request, and rejects a bad one", async () => {
    const path = join(dir, "router.yaml");
    await writeFile(path, yamlFor(a.url, "a"));
    const router = await listen({ clusters: [{ name: "a", endpoint: a.url, models: ["tiny"] }] });
    const watcher = new ConfigWatcher({
      path,
      onConfig: (c) => router.app.reload(c),
      logger: silent,
      watchFile: false,
    });
    try {
      a.delayMs = 300;
      const inFlight = post(`${router.url}/v1/chat/completions`, {
        model: "tiny",
        messages: [{ role: "user", content: "hi" }],
      });
      await new Promise((r) => setTimeout(r, 50));
      await writeFile(path, yamlFor(b.url, "b"));
      process.emit("SIGHUP", "SIGHUP");
      await watcher.reload(); // waits for the SIGHUP reload queued before it
      const first = await inFlight;
      expect(first.res.status).toBe(200);
      expect(first.res.headers.get("x-router-target")).toBe("a");
      a.delayMs = 0;

      const next = await post(`${router.url}/v1/chat/completions`, {
        model: "tiny",
        messages: [{ role: "user", content: "hi" }],
      });
      expect(next.res.headers.get("x-router-target")).toBe("b");

      await writeFile(path, "clusters:\n  - name: broken\n    endpoint: nope\n    models: [tiny]\n");
      expect(await watcher.reload()).toBe(false);
      expect(router.app.targets().map((t) => t.name)).toEqual(["b"]);
    } finally {
      watcher.close();
      await router.close();
    }
  });

  it("reloads when the file changes (atomic rename, as kubelet and editors do)", async () => {
    const path = join(dir, "watched.yaml");
    await writeFile(path, yamlFor(a.url, "a"));
    const router = await listen({ clusters: [{ name: "a", endpoint: a.url, models: ["tiny"] }] });
    let applied!: () => void;
    const appliedOnce = new Promise<void>((r) => {
      applied = r;
    });
    const watcher = new ConfigWatcher({
      path,
      onConfig: (c) => {
        router.app.reload(c);
        applied();
      },
      logger: silent,
      sighup: false,
      debounceMs: 20,
    });
    try {
      await writeFile(`${path}.tmp`, yamlFor(b.url, "b"));
      await rename(`${path}.tmp`, path);
      await appliedOnce;
      expect(router.app.targets().map((t) => t.name)).toEqual(["b"]);
    } finally {
      watcher.close();
      await router.close();
    }
  });

  it("keeps a target's health history across a reload that does not change it", async () => {
    const router = await listen({ clusters: [{ name: "a", endpoint: a.url, models: ["tiny"] }] });
    try {
      const before = router.app.targets()[0];
      before?.latency.observe(42);
      router.app.reload(
        parseConfig(
          {
            router: { routingStrategy: "cost" },
            clusters: [
              { name: "a", endpoint: a.url, models: ["tiny"] },
              { name: "b", endpoint: b.url, models: ["tiny"] },
            ],
          },
          {},
        ),
      );
      expect(router.app.targets()[0]).toBe(before);
      expect(router.app.targets()[0]?.latency.ewma).toBe(42);
      expect(router.app.config().router.routingStrategy).toBe("cost");
    } finally {
      await router.close();
    }
  });
});

describe("pnpm router (CLI)", () => {
  it("exits 2 with the field named when the config is invalid", async () => {
    const { execFile } = await import("node:child_process");
    const dir = await mkdtemp(join(tmpdir(), "router-cli-"));
    const path = join(dir, "bad.yaml");
    await writeFile(path, "clusters:\n  - name: c\n    endpoint: nope\n    models: [tiny]\n");
    try {
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile("node_modules/.bin/tsx", ["router/src/cli.ts", "--config", path], (err, _out, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
        );
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("clusters[0].endpoint: Invalid URL");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
