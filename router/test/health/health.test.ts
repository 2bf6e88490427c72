import { parsePrometheusText as parsePromText, sumSamples as promValue } from "@llm/contracts";
import { FakeUpstream } from "@llm/testing";
import { CircuitBreaker } from "../../src/health/breaker.js";
import { type ErrorJson, listen, post } from "../helpers/router.js";

const chat = { model: "tiny", messages: [{ role: "user", content: "hi" }] };

describe("circuit breaker", () => {
  it("opens after the threshold, half-opens after the open duration, closes on a trial success", () => {
    let now = 0;
    const b = new CircuitBreaker(
      { failureThreshold: 3, openDurationMs: 1000, halfOpenRequests: 1 },
      () => now,
    );
    b.onFailure();
    b.onFailure();
    expect(b.state).toBe("closed");
    b.onSuccess(); // a success resets the count of consecutive failures
    b.onFailure();
    b.onFailure();
    b.onFailure();
    expect(b.state).toBe("open");
    expect(b.tryAcquire()).toBe(false);
    now = 999;
    expect(b.state).toBe("open");
    now = 1000;
    expect(b.state).toBe("half-open");
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false); // one trial at a time
    b.onSuccess();
    expect(b.state).toBe("closed");
  });

  it("re-opens when the half-open trial fails", () => {
    let now = 0;
    const b = new CircuitBreaker(
      { failureThreshold: 1, openDurationMs: 100, halfOpenRequests: 2 },
      () => now,
    );
    b.onFailure();
    now = 100;
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.onFailure();
    expect(b.state).toBe("open");
    now = 150;
    expect(b.state).toBe("open");
  });
});

describe("prometheus text parsing", () => {
  it("reads samples with labels and sums by match", () => {
    const text = [
      "# HELP x y",
      "# TYPE llm_cluster_cost_per_1k_tokens gauge",
      'llm_cluster_cost_per_1k_tokens{pool="cpu"} 0.0012',
      'llm_cluster_cost_per_1k_tokens{pool="gpu",note="a \\"q\\""} 0.0004',
      "llm_runtime_queue_depth 3 1700000000",
      "garbage line",
    ].join("\n");
    const s = parsePromText(text);
    expect(promValue(s, "llm_cluster_cost_per_1k_tokens", { pool: "gpu" })).toBe(0.0004);
    expect(s[1]?.labels.note).toBe('a "q"');
    expect(promValue(s, "llm_runtime_queue_depth")).toBe(3);
    expect(promValue(s, "missing")).toBeUndefined();
  });
});

describe("circuit breaker in the request path", () => {
  let a: FakeUpstream;
  let b: FakeUpstream;
  let now = 1_000_000;
  let router: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    a = await new FakeUpstream({ name: "a" }).start();
    b = await new FakeUpstream({ name: "b" }).start();
    router = await listen(
      {
        router: {
          routingStrategy: "cluster_first",
          circuitBreaker: { failureThreshold: 2, openDuration: "30s" },
        },
        clusters: [
          { name: "a", endpoint: a.url, models: ["tiny"], costPerHour: 0.01 },
          { name: "b", endpoint: b.url, models: ["tiny"], costPerHour: 0.02 },
        ],
      },
      { clock: () => now },
    );
  });

  afterAll(async () => {
    await router.close();
    await a.close();
    await b.close();
  });

  it("stops sending to a failing target, then trials it after the open duration", async () => {
    a.mode = "fail500";
    for (let i = 0; i < 2; i++) {
      const { res } = await post(`${router.url}/v1/chat/completions`, chat);
      expect(res.headers.get("x-router-target")).toBe("b");
    }
    expect(a.count).toBe(2);
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toContain('llm_router_circuit_state{target="a"} 2');
    expect(metrics).toContain('llm_router_retries_total{target="a"} 2');

    const { res } = await post(`${router.url}/v1/chat/completions`, chat);
    expect(res.headers.get("x-router-target")).toBe("b");
    expect(res.headers.get("x-router-reason")).toBe("preferred_unavailable");
    expect(a.count).toBe(2); // open: not even tried

    const health = (await (await fetch(`${router.url}/health`)).json()) as { status: string };
    expect(health.status).toBe("degraded");

    a.mode = "ok";
    now += 30_000;
    const trial = await post(`${router.url}/v1/chat/completions`, chat);
    expect(trial.res.headers.get("x-router-target")).toBe("a");
    expect(router.app.targets()[0]?.breaker.state).toBe("closed");
  });
});

describe("background health polling", () => {
  let runtime: FakeUpstream;
  let exporter: FakeUpstream;
  let queue = 0;
  let ready = true;
  let tokens = 0;
  let replicas = 1;
  let now = 5_000_000;
  let router: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    runtime = await new FakeUpstream({
      name: "gpu",
      health: () => ({ status: 200, body: { status: "ok", ready, queue_depth: queue, backend: "cuda" } }),
      metrics: () =>
        `# TYPE llm_runtime_completion_tokens_total counter\nllm_runtime_completion_tokens_total ${tokens}\n`,
    }).start();
    exporter = await new FakeUpstream({
      name: "exporter",
      metrics: () =>
        [
          `llm_cluster_cost_per_1k_tokens{pool="cpu"} 0.5`,
          `llm_cluster_cost_per_1k_tokens{pool="gpu"} 0.0003`,
          `llm_cluster_pool_ready_replicas{pool="gpu"} ${replicas}`,
        ].join("\n"),
    }).start();
    router = await listen(
      {
        // A near-free wake-up (node $/h for ~0 warm minutes) pays for any waiting request, so each
        // bypassing request raises demand; the rule itself: test/pricing/wake-up.test.ts.
        router: { pendingDemandHalfLife: "60s", maxQueueDepth: 4, wakeUpWarmMinutes: 0.0001 },
        clusters: [
          {
            name: "aws-gpu",
            endpoint: runtime.url,
            models: ["tiny"],
            pool: "gpu",
            scaleToZero: true,
            costPerHour: 0.5,
            region: "us-east-1",
            provider: "aws",
            exporterEndpoint: `${exporter.url}/metrics`,
          },
          { name: "down", endpoint: "http://127.0.0.1:1", models: ["tiny"], costPerHour: 0.01 },
          { name: "warm", endpoint: runtime.url, models: ["tiny"], costPerHour: 0.2 },
        ],
      },
      { clock: () => now },
    );
  });

  afterAll(async () => {
    await router.close();
    await runtime.close();
    await exporter.close();
  });

  const target = (name: string) => router.app.targets().find((t) => t.name === name)!;

  it("reads queue depth, backend, throughput (from the counter's rate) and the exporter's price", async () => {
    await router.app.poller.pollAll();
    tokens = 600;
    queue = 2;
    now += 10_000;
    await router.app.poller.pollAll();
    const gpu = target("aws-gpu");
    expect(gpu.live).toMatchObject({
      reachable: true,
      ready: true,
      queueDepth: 2,
      backend: "cuda",
      readyReplicas: 1,
    });
    expect(gpu.live.tokensPerSecond).toBeCloseTo(60, 6);
    expect(gpu.costPer1K()).toBe(0.0003);
    // Without an exporter: $0.20/h at 60 tok/s = 216K tokens/h.
    expect(target("warm").costPer1K()).toBeCloseTo(0.2 / 216, 10);
    expect(target("down").live).toMatchObject({ reachable: false });
    expect(target("down").health()).toBe("unhealthy");
  });

  it("reports per-target health and an overall status with counts", async () => {
    const res = await fetch(`${router.url}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown> & {
      targets: { name: string; status: string }[];
    };
    expect(body).toMatchObject({
      status: "degraded",
      healthy_clusters: 2,
      total_clusters: 3,
      total_providers: 0,
    });
    expect(body.targets.map((t) => `${t.name}=${t.status}`)).toEqual([
      "aws-gpu=healthy",
      "down=unhealthy",
      "warm=healthy",
    ]);
  });

  it("marks a pool with 0 ready replicas cold, routes elsewhere and publishes pending demand for KEDA", async () => {
    replicas = 0;
    await router.app.poller.pollAll();
    for (let i = 0; i < 3; i++) {
      const { res } = await post(`${router.url}/v1/chat/completions`, chat);
      expect(res.headers.get("x-router-target")).toBe("warm");
      expect(res.headers.get("x-router-reason")).toBe("cold_target_bypassed:aws-gpu");
    }
    const scaling = (await (await fetch(`${router.url}/scaling/aws-gpu`)).json()) as Record<string, unknown>;
    expect(scaling).toEqual({ target: "aws-gpu", pendingDemand: 3, cold: true, ready: true });
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toContain('llm_router_pending_demand{target="aws-gpu"} 3');
    expect(metrics).toContain(
      'llm_router_cluster_health{cluster="aws-gpu",provider="aws",region="us-east-1"} 0',
    );

    now += 60_000;
    const later = (await (await fetch(`${router.url}/scaling/aws-gpu`)).json()) as { pendingDemand: number };
    expect(later.pendingDemand).toBeCloseTo(1.5, 6);

    replicas = 1;
    await router.app.poller.pollAll();
    const { res } = await post(`${router.url}/v1/chat/completions`, chat);
    expect(res.headers.get("x-router-target")).toBe("aws-gpu");
  });

  it("answers 404 for scaling of an unknown target", async () => {
    const res = await fetch(`${router.url}/scaling/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorJson).error.code).toBe("unknown_target");
  });

  it("reports unhealthy with 503 when no target can serve", async () => {
    ready = false;
    replicas = 1;
    await router.app.poller.pollAll();
    const res = await fetch(`${router.url}/health`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { status: string }).status).toBe("unhealthy");
    const { res: r2, json } = await post(`${router.url}/v1/chat/completions`, chat);
    expect(r2.status).toBe(503);
    expect(json.error.message).toMatch(/scaling up from zero/);
    ready = true;
  });
});
