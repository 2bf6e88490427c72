import { FakeKubeApi } from "@llm/testing";
import { summarizePool } from "../../src/pools/summary.js";
import { FakeRuntime } from "../fakes/runtime-metrics.js";
import { type Harness, harness } from "../helpers.js";

const token = "test-token-capacity";
const G4DN_SPOT = 0.2104;
const gpuNodeLabels = {
  "eks.amazonaws.com/nodegroup": "llm-gpu",
  "eks.amazonaws.com/capacityType": "SPOT",
  "node.kubernetes.io/instance-type": "g4dn.xlarge",
};

describe("pool cost amortized at capacity", () => {
  let api: FakeKubeApi;
  let runtime: FakeRuntime;
  let h: Harness;

  beforeEach(async () => {
    api = await new FakeKubeApi(token).start();
    runtime = await new FakeRuntime().start();
    api.nodes = [
      { name: "gpu-a", labels: gpuNodeLabels, gpus: 1 },
      { name: "gpu-b", labels: gpuNodeLabels, gpus: 1 },
    ];
    // Two pods, both answered by the one fake runtime: its capacity counts once per replica.
    api.pods.set("llm", [
      { name: "rt-1", labels: { app: "rt" } },
      { name: "rt-2", labels: { app: "rt" } },
    ]);
    h = await harness({
      cluster: "aws-test",
      kubernetes: { apiServer: api.url, token },
      pools: [
        {
          name: "gpu",
          nodeSelector: { "eks.amazonaws.com/nodegroup": "llm-gpu" },
          runtime: { namespace: "llm", podSelector: { app: "rt" }, port: runtime.port },
        },
      ],
    });
  });

  afterEach(async () => {
    await h.close();
    await api.close();
    await runtime.close();
  });

  it("prices an idle pool at its replicas' summed capacity, with utilization 0 and all of its $/h idle", async () => {
    runtime.capacityTokensPerSecond = 50;
    await h.refresh();
    h.clock.ms += 15_000;
    await h.refresh();
    const m = await h.metrics();
    const cost = 2 * G4DN_SPOT;
    expect(m.value("llm_cluster_tokens_per_second", { pool: "gpu" })).toBe(0);
    expect(m.value("llm_cluster_capacity_tokens_per_second", { pool: "gpu" })).toBe(100);
    // 100 tok/s = 360K tokens/h: the same figure busy or idle (the floor would say cost / 3.6).
    expect(m.value("llm_cluster_cost_per_1k_tokens", { pool: "gpu" })).toBeCloseTo(cost / 360, 9);
    expect(m.value("llm_cluster_utilization", { pool: "gpu" })).toBe(0);
    expect(m.value("llm_cluster_idle_cost_per_hour", { pool: "gpu" })).toBeCloseTo(cost, 9);

    const pools = (await (await fetch(`${h.url}/v1/pools`)).json()) as { data: Record<string, number>[] };
    const gpu = pools.data[0]!;
    expect(gpu.costPer1kTokens).toBeCloseTo(cost / 360, 9);
    expect(gpu).toMatchObject({ capacityTokensPerSecond: 100, servedTokensPerSecond: 0, utilization: 0 });
  });

  it("reports utilization as served over capacity while busy", async () => {
    runtime.capacityTokensPerSecond = 50;
    runtime.completionTokens = 1000;
    await h.refresh();
    // 375 tokens per pod in 15 s: 25 tok/s each, 50 for the pool, half its capacity.
    runtime.completionTokens = 1375;
    h.clock.ms += 15_000;
    await h.refresh();
    const m = await h.metrics();
    expect(m.value("llm_cluster_utilization", { pool: "gpu" })).toBeCloseTo(0.5, 9);
    expect(m.value("llm_cluster_idle_cost_per_hour", { pool: "gpu" })).toBeCloseTo(G4DN_SPOT, 9);
    expect(m.value("llm_cluster_cost_per_1k_tokens", { pool: "gpu" })).toBeCloseTo((2 * G4DN_SPOT) / 360, 9);
  });
});

describe("summarizePool", () => {
  const throughput = {
    completionTokensPerSecond: 0,
    promptTokensPerSecond: 0,
    queueDepth: 0,
    readyReplicas: 1,
  };
  const opts = { idleThroughputFloor: 1, tokenBasis: "completion" as const };
  const node = {
    name: "n",
    instanceType: "g4dn.xlarge",
    capacityType: "spot" as const,
    zone: "z",
    gpus: 1,
    ready: true,
  };

  it("falls back to the superseded idle floor for runtimes without the capacity gauge", () => {
    const s = summarizePool("gpu", [node], throughput, opts);
    expect(s.pricedTokensPerSecond).toBe(1);
    expect(s.capacityTokensPerSecond).toBe(0);
  });

  it("is 0 per 1K tokens and nothing idle at zero nodes", () => {
    const s = summarizePool("gpu", [], { ...throughput, capacityTokensPerSecond: 40 }, opts);
    expect(s).toMatchObject({ costPer1kTokens: 0, idleCostPerHour: 0, pricedTokensPerSecond: 40 });
  });
});
