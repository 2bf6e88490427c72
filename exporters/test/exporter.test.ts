import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { FakeKubeApi } from "@llm/testing";
import { FakeRuntime } from "./fakes/runtime-metrics.js";
import { type Harness, harness } from "./helpers.js";

const token = "test-token-abc123";
const gpuNodeLabels = {
  "eks.amazonaws.com/nodegroup": "llm-gpu",
  "eks.amazonaws.com/capacityType": "SPOT",
  "node.kubernetes.io/instance-type": "g4dn.xlarge",
  "topology.kubernetes.io/zone": "us-east-1a",
};
const cpuNodeLabels = {
  "eks.amazonaws.com/nodegroup": "llm-cpu",
  "eks.amazonaws.com/capacityType": "ON_DEMAND",
  "node.kubernetes.io/instance-type": "m6i.xlarge",
};
const G4DN_SPOT = 0.2104;
const M6I_ON_DEMAND = 0.192;

describe("exporter against a fake Kubernetes API and fake runtimes", () => {
  let api: FakeKubeApi;
  let gpuRuntime: FakeRuntime;
  let h: Harness;

  beforeEach(async () => {
    api = await new FakeKubeApi(token).start();
    gpuRuntime = await new FakeRuntime().start();
    api.nodes = [
      { name: "gpu-a", labels: gpuNodeLabels, gpus: 1 },
      { name: "gpu-b", labels: { ...gpuNodeLabels, "topology.kubernetes.io/zone": "us-east-1b" }, gpus: 1 },
      { name: "cpu-a", labels: cpuNodeLabels },
    ];
    // Both GPU pods resolve to the one fake runtime (all pods share 127.0.0.1 and the pool's port).
    api.pods.set("llm", [
      { name: "rt-gpu-1", labels: { "app.kubernetes.io/name": "llm-runtime", "llm.pool": "gpu" } },
      { name: "rt-gpu-2", labels: { "app.kubernetes.io/name": "llm-runtime", "llm.pool": "gpu" } },
      {
        name: "rt-gpu-pending",
        labels: { "app.kubernetes.io/name": "llm-runtime", "llm.pool": "gpu" },
        phase: "Pending",
        podIP: "",
      },
    ]);
    h = await harness({
      cluster: "aws-test",
      kubernetes: { apiServer: api.url, token },
      pools: [
        {
          name: "gpu",
          nodeSelector: { "eks.amazonaws.com/nodegroup": "llm-gpu" },
          runtime: {
            namespace: "llm",
            podSelector: { "app.kubernetes.io/name": "llm-runtime", "llm.pool": "gpu" },
            port: gpuRuntime.port,
          },
        },
        { name: "cpu", nodeSelector: { "eks.amazonaws.com/nodegroup": "llm-cpu" } },
      ],
    });
  });

  afterEach(async () => {
    await h.close();
    await api.close();
    await gpuRuntime.close();
  });

  it("prices two spot g4dn nodes at 100 tokens/s as cost_per_hour / 360 per 1K tokens", async () => {
    gpuRuntime.completionTokens = 1000;
    gpuRuntime.promptTokens = 500;
    await h.refresh();
    // 15 s later each pod has generated 750 more tokens: 50 tok/s per pod, 100 tok/s for the pool.
    gpuRuntime.completionTokens = 1750;
    gpuRuntime.promptTokens = 800;
    gpuRuntime.queueDepth = 3;
    h.clock.ms += 15_000;
    await h.refresh();

    const m = await h.metrics();
    const cost = 2 * G4DN_SPOT;
    expect(m.value("llm_cluster_cost_per_hour", { pool: "gpu" })).toBeCloseTo(cost, 9);
    expect(m.value("llm_cluster_tokens_per_second", { pool: "gpu" })).toBeCloseTo(100, 9);
    // 100 tok/s = 360,000 tok/h = 360 thousands.
    expect(m.value("llm_cluster_cost_per_1k_tokens", { pool: "gpu" })).toBeCloseTo(cost / 360, 9);
    expect(m.value("llm_cluster_nodes", { pool: "gpu", capacity_type: "spot" })).toBe(2);
    expect(m.value("llm_cluster_nodes", { pool: "gpu", capacity_type: "on-demand" })).toBe(0);
    expect(m.value("llm_cluster_gpu_nodes", { pool: "gpu" })).toBe(2);
    expect(m.value("llm_cluster_queue_depth", { pool: "gpu" })).toBe(6);
    expect(m.value("llm_cluster_pool_ready_replicas", { pool: "gpu" })).toBe(2);
    expect(m.value("llm_cluster_exporter_errors_total", { source: "nodes" })).toBe(0);

    const pools = (await (await fetch(`${h.url}/v1/pools`)).json()) as {
      cluster: string;
      data: Array<Record<string, unknown>>;
    };
    expect(pools.cluster).toBe("aws-test");
    const gpu = pools.data.find((p) => p.pool === "gpu")!;
    expect(gpu).toMatchObject({ nodes: 2, readyNodes: 2, instanceTypes: ["g4dn.xlarge"], stale: false });
    expect(gpu.promptTokensPerSecond).toBeCloseTo(40, 9);
  });

  it("sends the bearer token and each pool's label selectors", async () => {
    await h.refresh();
    expect(api.seen.every((r) => r.authorization === `Bearer ${token}`)).toBe(true);
    const calls = api.seen.map((r) => `${r.path}?${r.labelSelector}`).sort();
    expect(calls).toEqual([
      "/api/v1/namespaces/llm/pods?app.kubernetes.io/name=llm-runtime,llm.pool=gpu",
      "/api/v1/nodes?eks.amazonaws.com/nodegroup=llm-cpu",
      "/api/v1/nodes?eks.amazonaws.com/nodegroup=llm-gpu",
    ]);
    // The pending pod has no IP: only the two running pods are scraped.
    expect(gpuRuntime.scrapes).toBe(2);
  });

  it("floors an idle pool's throughput at 1 token/s so cost per 1K stays finite", async () => {
    await h.refresh();
    h.clock.ms += 15_000;
    await h.refresh();
    const m = await h.metrics();
    expect(m.value("llm_cluster_tokens_per_second", { pool: "cpu" })).toBe(0);
    expect(m.value("llm_cluster_cost_per_hour", { pool: "cpu" })).toBeCloseTo(M6I_ON_DEMAND, 9);
    // floor 1 tok/s = 3.6 thousand tokens per hour.
    expect(m.value("llm_cluster_cost_per_1k_tokens", { pool: "cpu" })).toBeCloseTo(M6I_ON_DEMAND / 3.6, 9);
    expect(m.value("llm_cluster_nodes", { pool: "cpu", capacity_type: "on-demand" })).toBe(1);
    expect(m.value("llm_cluster_gpu_nodes", { pool: "cpu" })).toBe(0);
  });

  it("keeps pricing an idle pool at its last busy throughput (last-busy mode)", async () => {
    gpuRuntime.completionTokens = 1000;
    await h.refresh();
    gpuRuntime.completionTokens = 1750;
    h.clock.ms += 15_000;
    await h.refresh();
    // Now idle for a window: measured throughput drops to 0, the price per token does not.
    h.clock.ms += 15_000;
    await h.refresh();
    const m = await h.metrics();
    expect(m.value("llm_cluster_tokens_per_second", { pool: "gpu" })).toBe(0);
    expect(m.value("llm_cluster_priced_tokens_per_second", { pool: "gpu" })).toBeCloseTo(100, 9);
    expect(m.value("llm_cluster_cost_per_1k_tokens", { pool: "gpu" })).toBeCloseTo((2 * G4DN_SPOT) / 360, 9);
  });

  it("reports a pool scaled to zero as cost 0 with 0 ready replicas", async () => {
    api.nodes = api.nodes.filter((n) => n.labels["eks.amazonaws.com/nodegroup"] !== "llm-gpu");
    api.pods.set("llm", []);
    await h.refresh();
    const m = await h.metrics();
    expect(m.value("llm_cluster_cost_per_hour", { pool: "gpu" })).toBe(0);
    expect(m.value("llm_cluster_cost_per_1k_tokens", { pool: "gpu" })).toBe(0);
    expect(m.value("llm_cluster_pool_ready_replicas", { pool: "gpu" })).toBe(0);
    expect(m.value("llm_cluster_nodes", { pool: "gpu", capacity_type: "spot" })).toBe(0);
    expect(m.value("llm_cluster_gpu_nodes", { pool: "gpu" })).toBe(0);
  });

  it("counts API and scrape errors, keeps the last good node data marked stale, and keeps serving", async () => {
    await h.refresh();
    api.failNodes = 500;
    api.failPods = 403;
    gpuRuntime.failWith = 500;
    h.clock.ms += 15_000;
    await h.refresh();
    await h.refresh();
    const m = await h.metrics();
    // Two pools fail their node list on each of two refreshes.
    expect(m.value("llm_cluster_exporter_errors_total", { source: "nodes" })).toBe(4);
    expect(m.value("llm_cluster_exporter_errors_total", { source: "pods" })).toBe(2);
    // The kept pod list still names two pods, both of which fail to answer.
    expect(m.value("llm_cluster_exporter_errors_total", { source: "scrape" })).toBe(4);
    expect(m.value("llm_cluster_cost_per_hour", { pool: "gpu" })).toBeCloseTo(2 * G4DN_SPOT, 9);
    expect(m.value("llm_cluster_pool_stale", { pool: "gpu" })).toBe(1);
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
  });

  it("counts a rejected token as a node lookup error", async () => {
    await h.close();
    h = await harness({
      kubernetes: { apiServer: api.url, token: "wrong" },
      pools: [{ name: "gpu", nodeSelector: { "eks.amazonaws.com/nodegroup": "llm-gpu" } }],
    });
    await h.refresh();
    const m = await h.metrics();
    expect(m.value("llm_cluster_exporter_errors_total", { source: "nodes" })).toBe(1);
    expect(m.text).not.toContain("wrong");
  });

  it("produces output promtool accepts", async () => {
    const promtool = resolve(process.cwd(), ".tools/bin/promtool");
    if (!existsSync(promtool)) {
      console.warn(
        "promtool not installed (bash scripts/setup-debian.sh); checking the format by parse only",
      );
    }
    await h.refresh();
    const { text, samples } = await h.metrics();
    expect(samples.length).toBeGreaterThan(10);
    if (!existsSync(promtool)) return;
    const child = execFile(promtool, ["check", "metrics"]);
    let out = "";
    child.stdout?.on("data", (d) => (out += d));
    child.stderr?.on("data", (d) => (out += d));
    child.stdin?.end(text);
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(out.trim()).toBe("");
    expect(code).toBe(0);
  });

  it("answers unknown paths with an OpenAI-shaped 404", async () => {
    const res = await fetch(`${h.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { message: "Unknown path GET /nope", type: "not_found_error", param: null, code: "not_found" },
    });
  });
});

describe("idle pricing in floor mode", () => {
  it("prices an idle pool at the floor even after it was busy", async () => {
    const rt = await new FakeRuntime().start();
    const h = await harness({
      kubernetes: { enabled: false },
      idleThroughput: "floor",
      idleThroughputFloor: 2,
      pools: [
        {
          name: "cpu",
          staticNodes: { count: 1, instanceType: "m6i.xlarge" },
          runtime: { urls: [`${rt.url}/metrics`] },
        },
      ],
    });
    try {
      await h.refresh();
      rt.completionTokens = 500;
      h.clock.ms += 10_000;
      await h.refresh();
      let m = await h.metrics();
      expect(m.value("llm_cluster_cost_per_1k_tokens", { pool: "cpu" })).toBeCloseTo(M6I_ON_DEMAND / 180, 9);
      h.clock.ms += 10_000;
      await h.refresh();
      m = await h.metrics();
      // 2 tok/s floor = 7.2 thousand tokens per hour.
      expect(m.value("llm_cluster_cost_per_1k_tokens", { pool: "cpu" })).toBeCloseTo(M6I_ON_DEMAND / 7.2, 9);
    } finally {
      await h.close();
      await rt.close();
    }
  });
});

describe("exporter without Kubernetes (static runtime URLs)", () => {
  it("rates counters across a runtime restart and counts answering URLs as ready replicas", async () => {
    const a = await new FakeRuntime().start();
    const b = await new FakeRuntime().start();
    const h = await harness({
      kubernetes: { enabled: false },
      pools: [
        {
          name: "cpu",
          price: { onDemand: 0.36, spot: 0.1 },
          staticNodes: { count: 1 },
          runtime: { urls: [`${a.url}/metrics`, `${b.url}/metrics`] },
        },
      ],
    });
    try {
      // First refresh: no rate yet, so the runtimes' own speed gauges stand in.
      a.tokensPerSecond = 7;
      b.tokensPerSecond = 3;
      a.completionTokens = 5000;
      b.completionTokens = 100;
      await h.refresh();
      let m = await h.metrics();
      expect(m.value("llm_cluster_tokens_per_second", { pool: "cpu" })).toBe(10);
      // 10 s later: a went 5000 -> 5200 (20/s); b restarted and now shows 50 (5/s since the reset).
      a.completionTokens = 5200;
      b.completionTokens = 50;
      h.clock.ms += 10_000;
      await h.refresh();
      m = await h.metrics();
      expect(m.value("llm_cluster_tokens_per_second", { pool: "cpu" })).toBeCloseTo(25, 9);
      expect(m.value("llm_cluster_cost_per_hour", { pool: "cpu" })).toBeCloseTo(0.36, 9);
      expect(m.value("llm_cluster_cost_per_1k_tokens", { pool: "cpu" })).toBeCloseTo(0.36 / 90, 9);
      expect(m.value("llm_cluster_pool_ready_replicas", { pool: "cpu" })).toBe(2);
      await b.close();
      h.clock.ms += 10_000;
      await h.refresh();
      m = await h.metrics();
      expect(m.value("llm_cluster_pool_ready_replicas", { pool: "cpu" })).toBe(1);
      expect(m.value("llm_cluster_exporter_errors_total", { source: "scrape" })).toBe(1);
    } finally {
      await h.close();
      await a.close();
      await b.close();
    }
  });
});

describe("pnpm exporter CLI", () => {
  it("serves /v1/pools from a YAML config with env overrides", async () => {
    const rt = await new FakeRuntime().start();
    const dir = await mkdtemp(join(tmpdir(), "exporter-cli-"));
    const file = join(dir, "exporter.yaml");
    await writeFile(
      file,
      [
        "cluster: from-file",
        "port: 1",
        "kubernetes: { enabled: false }",
        "pools:",
        "  - name: cpu",
        "    staticNodes: { count: 2, instanceType: m5.xlarge }",
        `    runtime: { urls: ["${rt.url}/metrics"] }`,
      ].join("\n"),
    );
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, ["--import", "tsx", "exporters/src/cli.ts", "--config", file], {
      env: { ...process.env, EXPORTER_PORT: "0", EXPORTER_HOST: "127.0.0.1", EXPORTER_CLUSTER: "from-env" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let buf = "";
        child.stdout.on("data", (d: Buffer) => {
          buf += d.toString();
          const m = /"url":"(http:[^"]+)"/.exec(buf);
          if (m) resolveUrl(m[1]!);
        });
        child.on("exit", (code) => reject(new Error(`cli exited ${code}: ${buf}`)));
      });
      let body: { cluster: string; data: Array<{ pool: string; costPerHour: number }> } | undefined;
      // The first refresh runs at start; poll (bounded) until it has landed.
      for (let i = 0; i < 50; i++) {
        body = (await (await fetch(`${url}/v1/pools`)).json()) as typeof body;
        if ((body as { updatedAt?: string | null }).updatedAt) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(body?.cluster).toBe("from-env");
      expect(body?.data[0]?.costPerHour).toBeCloseTo(2 * 0.192, 9);
    } finally {
      child.kill("SIGTERM");
      await rt.close();
    }
  });

  it("exits 2 naming the bad field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "exporter-cli-"));
    const file = join(dir, "bad.yaml");
    await writeFile(file, "pools:\n  - name: gpu\n    price: { onDemand: -1, spot: 0.1 }\n");
    const run = promisify(execFile);
    const err = await run(process.execPath, [
      "--import",
      "tsx",
      "exporters/src/cli.ts",
      "--config",
      file,
    ]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain("pools.0.price.onDemand");
  });
});
