import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp as createRuntimeApp, RuntimeMetrics, RuntimeState } from "@llm/runtime";
import { FakeUpstream, makeTestPki } from "@llm/testing";
import pino from "pino";
import { listen, silent } from "../helpers/router.js";

const SECRET = "cluster-secret";

async function serve(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const closeServer = (s: Server) => new Promise<void>((r) => s.close(() => r()));

/** What the runtime chart's Ingress does: routes /v1/* to the runtime, answers 404 for the rest. */
function ingressTo(upstream: string): Server {
  return createServer((req, res) => {
    if (!req.url?.startsWith("/v1/")) {
      res.writeHead(404, { "content-type": "text/plain" }).end("default backend - 404");
      return;
    }
    const fwd = httpRequest(`${upstream}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    fwd.on("error", () => res.writeHead(502).end());
    req.pipe(fwd);
  });
}

/** Warnings a router logged, as pino objects. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: "warn" }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { logger, lines };
}

describe("health polls through an Ingress that routes only /v1", () => {
  let runtime: Server;
  let ingress: Server;
  let router: Awaited<ReturnType<typeof listen>>;
  const warnings = capturingLogger();

  beforeAll(async () => {
    const state = new RuntimeState("tiny");
    state.phase = "ready"; // no model needed: health and metrics read the state and the registry
    const metrics = new RuntimeMetrics();
    metrics.queueDepth.set(2);
    runtime = createServer(
      createRuntimeApp({ state, metrics, logger: silent, hmacSecrets: [SECRET], maxBodyBytes: 1024 }),
    );
    const direct = await serve(runtime);
    ingress = ingressTo(direct);
    const url = await serve(ingress);
    const hmac = (name: string, endpoint: string, sharedSecret: string) => ({
      name,
      endpoint,
      models: ["tiny"],
      authType: "hmac",
      sharedSecret,
    });
    router = await listen(
      {
        clusters: [
          hmac("signed", url, SECRET),
          hmac("wrong-secret", url, "nope"),
          hmac("wrong-secret-direct", direct, "nope"),
        ],
      },
      { logger: warnings.logger },
    );
  });

  afterAll(async () => {
    await router.close();
    await closeServer(ingress);
    await closeServer(runtime);
  });

  const target = (name: string) => router.app.targets().find((t) => t.name === name)!;

  it("signs /v1/health and /v1/metrics (a fresh nonce each poll) and sees the runtime healthy", async () => {
    for (let i = 0; i < 3; i++) await router.app.poller.pollAll();
    expect(target("signed").live).toMatchObject({ reachable: true, ready: true, queueDepth: 2 });
    expect(target("signed").live.lastError).toBeUndefined();
    expect(target("signed").health()).toBe("healthy");
  });

  it("shows a wrong secret as unhealthy (HTTP 401) where /health is not routed", async () => {
    await router.app.poller.pollAll();
    expect(target("wrong-secret").live).toMatchObject({ ready: false, lastError: "health HTTP 401" });
    expect(target("wrong-secret").health()).toBe("unhealthy");
  });

  it("reads the unsigned /health where it is reachable when the signature is refused, and warns once", async () => {
    await router.app.poller.pollAll();
    expect(target("wrong-secret-direct").live).toMatchObject({ reachable: true, ready: true });
    const refused = warnings.lines.filter((l) => String(l.msg).includes("refused the signed /v1/health"));
    expect(refused.map((l) => l.target).sort()).toEqual(["wrong-secret", "wrong-secret-direct"]);
  });
});

describe("health polls of an mTLS cluster", () => {
  it("presents the client certificate on /v1/health and /v1/metrics", async () => {
    const dir = mkdtempSync(join(tmpdir(), "router-poll-mtls-"));
    makeTestPki(dir);
    const paths: string[] = [];
    const server = createHttpsServer(
      {
        key: readFileSync(join(dir, "server.key")),
        cert: readFileSync(join(dir, "server.pem")),
        ca: readFileSync(join(dir, "ca.pem")),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        paths.push(req.url ?? "");
        if (req.url === "/v1/health") return void res.end(JSON.stringify({ status: "ok", ready: true }));
        if (req.url === "/v1/metrics") return void res.end("llm_runtime_queue_depth 5\n");
        res.writeHead(404).end();
      },
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const router = await listen({
      clusters: [
        {
          name: "secure",
          endpoint: url,
          models: ["tiny"],
          authType: "mtls",
          certFile: join(dir, "client.pem"),
          keyFile: join(dir, "client.key"),
          caFile: join(dir, "ca.pem"),
        },
      ],
    });
    try {
      await router.app.poller.pollAll();
      expect(router.app.targets()[0]!.live).toMatchObject({ reachable: true, ready: true, queueDepth: 5 });
      expect(paths).toEqual(["/v1/health", "/v1/metrics"]);
    } finally {
      await router.close();
      server.closeAllConnections();
      await closeServer(server);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("runtimes without /v1/health (older runtimes, the fakes)", () => {
  let runtime: FakeUpstream;
  let healthHits = 0;
  let metricsHits = 0;
  let healthStatus = 200;
  let router: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    runtime = await new FakeUpstream({
      name: "old",
      hmacSecret: SECRET,
      health: () => {
        healthHits++;
        return { status: healthStatus, body: { status: "ok", ready: true, queue_depth: 1 } };
      },
      metrics: () => {
        metricsHits++;
        return "llm_runtime_tokens_per_second 42\n";
      },
    }).start();
    router = await listen({
      clusters: [
        { name: "old", endpoint: runtime.url, models: ["tiny"], authType: "hmac", sharedSecret: SECRET },
      ],
    });
  });

  afterAll(async () => {
    await router.close();
    await runtime.close();
  });

  const old = () => router.app.targets()[0]!;
  const v1Probes = () => runtime.received.filter((r) => r.path.startsWith("/v1/")).length;

  it("falls back to /health and /metrics after one 404 and remembers it", async () => {
    for (let i = 0; i < 3; i++) await router.app.poller.pollAll();
    expect(old().live).toMatchObject({ reachable: true, ready: true, queueDepth: 1, tokensPerSecond: 42 });
    expect(old().health()).toBe("healthy");
    // One /v1/health in three polls (the signed one the fake accepted, then 404); no /v1/metrics.
    expect(runtime.received.map((r) => r.path)).toEqual(["/v1/health"]);
    expect([healthHits, metricsHits]).toEqual([3, 3]);
  });

  it("looks at /v1 again once /health answers 404 (an upgraded runtime behind a /v1-only Ingress)", async () => {
    healthStatus = 404;
    await router.app.poller.pollAll();
    expect(v1Probes()).toBe(1);
    healthStatus = 200;
    await router.app.poller.pollAll();
    expect(v1Probes()).toBe(2);
    expect(old().health()).toBe("healthy");
  });
});

/** The exporter's GET /v1/pools (exporters/src/http/app.ts), with only the fields that matter here. */
function poolsBody(cluster: string) {
  const pool = (name: string, costPer1kTokens: number, readyReplicas: number) => ({
    pool: name,
    nodes: 1,
    costPerHour: 0.5,
    costPer1kTokens,
    readyReplicas,
    stale: false,
  });
  return { object: "list", cluster, updatedAt: null, data: [pool("cpu", 0.002, 2), pool("gpu", 0.0004, 1)] };
}

describe("the exporter's /v1/pools JSON", () => {
  let runtime: FakeUpstream;
  let exporter: Server;
  let answer: () => string;
  let exporterHits = 0;
  let exporterUrl: string;

  beforeAll(async () => {
    runtime = await new FakeUpstream({ name: "rt" }).start();
    exporter = createServer((req, res) => {
      exporterHits++;
      if (req.url !== "/v1/pools") return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(answer());
    });
    exporterUrl = `${await serve(exporter)}/v1/pools`;
  });

  afterAll(async () => {
    await runtime.close();
    await closeServer(exporter);
  });

  const cluster = (pool: "cpu" | "gpu", extra: Record<string, unknown> = {}) => ({
    name: `aws-llm-aws-dev-${pool}`,
    provider: "aws",
    pool,
    endpoint: runtime.url,
    models: ["tiny"],
    costPerHour: 0.9,
    exporterEndpoint: exporterUrl,
    ...extra,
  });

  it("feeds each pool's cost and ready replicas, one exporter request per round", async () => {
    answer = () => JSON.stringify(poolsBody("llm-aws-dev"));
    const router = await listen({ clusters: [cluster("cpu"), cluster("gpu")] });
    try {
      exporterHits = 0;
      await router.app.poller.pollAll();
      const [cpu, gpu] = router.app.targets();
      expect(gpu!.costPer1K()).toBe(0.0004);
      expect(gpu!.live.readyReplicas).toBe(1);
      expect(cpu!.costPer1K()).toBe(0.002);
      expect(cpu!.live.readyReplicas).toBe(2);
      expect(exporterHits).toBe(1);
    } finally {
      await router.close();
    }
  });

  it.each([
    ["not JSON", () => "llm_cluster_cost_per_1k_tokens 1", /not JSON/],
    [
      "a cost that is not a number",
      () => JSON.stringify({ cluster: "llm-aws-dev", data: [{ pool: "gpu", costPer1kTokens: "cheap" }] }),
      /data\.0\.costPer1kTokens/,
    ],
    ["another cluster's exporter", () => JSON.stringify(poolsBody("llm-gcp-dev")), /cluster "llm-gcp-dev"/],
  ])("logs a warning and uses no figure for %s", async (_name, body, problem) => {
    answer = body;
    const { logger, lines } = capturingLogger();
    const router = await listen({ clusters: [cluster("gpu")] }, { logger });
    try {
      await router.app.poller.pollAll();
      await router.app.poller.pollAll();
      const gpu = router.app.targets()[0]!;
      expect(gpu.live.exporterCostPer1K).toBeUndefined();
      expect(gpu.live.reachable).toBe(true);
      // $0.90/h at the assumed throughput: the config's price, not a parsed one.
      expect(gpu.costPer1K()).toBeGreaterThan(0.0004);
      const warned = lines.filter((l) => l.msg === "exporter answer not used");
      expect(warned).toHaveLength(1); // once per change, not once per poll
      expect(String(warned[0]?.problem)).toMatch(problem);
    } finally {
      await router.close();
    }
  });

  it("still reads Prometheus text from a /metrics exporter (matched by pool)", async () => {
    const prom = await new FakeUpstream({
      name: "exporter",
      metrics: () =>
        'llm_cluster_cost_per_1k_tokens{pool="cpu"} 0.5\nllm_cluster_cost_per_1k_tokens{pool="gpu"} 0.0003\n',
    }).start();
    const router = await listen({
      clusters: [cluster("gpu", { exporterEndpoint: `${prom.url}/metrics` })],
    });
    try {
      await router.app.poller.pollAll();
      expect(router.app.targets()[0]!.costPer1K()).toBe(0.0003);
    } finally {
      await router.close();
      await prom.close();
    }
  });
});
