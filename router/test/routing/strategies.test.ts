import type { HttpError } from "@llm/contracts";
import { createPriceTable } from "../../src/pricing/table.js";
import { planRoute } from "../../src/routing/plan.js";
import { chatProfile, embeddingsProfile } from "../../src/routing/profile.js";
import { TargetSet } from "../../src/targets/set.js";
import { config, planningRegistry, silent } from "../helpers/router.js";

/**
 * Three clusters and two external providers:
 * - cheap:  $0.036/h at 20 tok/s  -> $0.0005 / 1K tokens, context 2048
 * - mid:    $0.108/h              -> $0.0015 / 1K, context 8192
 * - dear:   $0.72/h               -> $0.01 / 1K, context 8192, tools
 * - openai  gpt-4o-mini  ($0.15 in / $0.60 out per 1M)
 * - claude  claude-3-5-haiku ($0.80 / $4 per 1M)
 */
const base = {
  router: { clusterCostThreshold: 0.002, maxQueueDepth: 4, maxRetries: 10 },
  clusters: [
    { name: "cheap", endpoint: "http://10.0.0.1", models: ["tiny"], costPerHour: 0.036, contextLength: 2048 },
    { name: "mid", endpoint: "http://10.0.0.2", models: ["tiny"], costPerHour: 0.108, contextLength: 8192 },
    {
      name: "dear",
      endpoint: "http://10.0.0.3",
      models: ["tiny"],
      costPerHour: 0.72,
      contextLength: 8192,
      capabilities: ["chat", "completions", "streaming", "tools"],
    },
  ],
  externalProviders: [
    { name: "openai", type: "openai", apiKey: "k", defaultModel: "gpt-4o-mini" },
    { name: "claude", type: "claude", apiKey: "k", models: { tiny: "claude-3-5-haiku" } },
  ],
};

function setup(raw: Record<string, unknown> = base) {
  const cfg = config(raw);
  const targets = TargetSet.build(cfg, planningRegistry, createPriceTable(), silent);
  const plan = (body: Record<string, unknown>, strategy = cfg.router.routingStrategy, pinned?: string) =>
    planRoute({
      profile: chatProfile(
        { messages: [{ role: "user", content: "hello" }], ...body } as never,
        cfg.router.defaultMaxTokens,
      ),
      targets: targets.list,
      settings: cfg.router,
      strategy,
      pinned,
    });
  return { cfg, targets, plan, t: (name: string) => targets.byName.get(name)! };
}

const names = (c: { target: { name: string }; reason: string }[]) =>
  c.map((x) => `${x.target.name}:${x.reason}`);

describe("routing strategies", () => {
  it.each([
    [
      "hybrid",
      [
        "cheap:cluster_under_threshold",
        "mid:cluster_under_threshold",
        "openai:fallback",
        "claude:fallback",
        "dear:fallback",
      ],
    ],
    [
      "cost",
      [
        "cheap:lowest_cost",
        "openai:lowest_cost",
        "mid:lowest_cost",
        "claude:lowest_cost",
        "dear:lowest_cost",
      ],
    ],
    [
      "cluster_first",
      [
        "cheap:cluster_first",
        "mid:cluster_first",
        "dear:cluster_first",
        "openai:fallback",
        "claude:fallback",
      ],
    ],
    [
      "external_first",
      ["openai:external_first", "claude:external_first", "cheap:fallback", "mid:fallback", "dear:fallback"],
    ],
  ] as const)("%s orders every capable target", (strategy, expected) => {
    const { plan } = setup();
    expect(names(plan({ model: "tiny", max_tokens: 100 }, strategy))).toEqual(expected);
  });

  it("prices a request from its size: prompt chars/4 plus max_tokens", () => {
    const { plan } = setup();
    const cheap = plan(
      { model: "tiny", messages: [{ role: "user", content: "x".repeat(400) }], max_tokens: 96 },
      "cost",
    ).find((c) => c.target.name === "cheap");
    // (100 + 4 overhead) prompt + 96 completion = 200 tokens at $0.0005/1K.
    expect(cheap?.costUsd).toBeCloseTo(0.0001, 10);
    const openai = plan(
      { model: "tiny", messages: [{ role: "user", content: "x".repeat(400) }], max_tokens: 96 },
      "cost",
    ).find((c) => c.target.name === "openai");
    expect(openai?.costUsd).toBeCloseTo((104 * 0.15 + 96 * 0.6) / 1e6, 12);
    expect(openai?.upstreamModel).toBe("gpt-4o-mini");
  });

  it("hybrid sends everything external when every cluster is over the threshold", () => {
    const { plan } = setup({ ...base, router: { ...base.router, clusterCostThreshold: 0.0001 } });
    expect(names(plan({ model: "tiny" }, "hybrid")).slice(0, 2)).toEqual([
      "openai:cluster_over_threshold",
      "claude:cluster_over_threshold",
    ]);
  });

  it("labels a cluster over the threshold that serves because no external can as no_capable_external", () => {
    const { plan } = setup({
      ...base,
      router: { ...base.router, clusterCostThreshold: 0.0001 },
      externalProviders: [],
    });
    // `cluster_over_threshold` means "so the cheapest external": never the label of a cluster's answer.
    expect(names(plan({ model: "tiny" }, "hybrid"))).toEqual([
      "cheap:no_capable_external",
      "mid:no_capable_external",
      "dear:no_capable_external",
    ]);
  });

  it("orders clusters under the threshold by marginal cost: a paid-for idle pool before a busy cheaper one", () => {
    const { plan, t } = setup();
    t("cheap").live.queueDepth = 1; // waiting requests: its next one costs its amortized price
    expect(names(plan({ model: "tiny" }, "hybrid")).slice(0, 2)).toEqual([
      "mid:cluster_under_threshold",
      "cheap:cluster_under_threshold",
    ]);
  });

  it("uses live cluster prices: the exporter's $/1K, else cost per hour over measured tokens/s", () => {
    const { plan, t } = setup();
    t("cheap").live.exporterCostPer1K = 0.05;
    t("mid").live.tokensPerSecond = 200; // $0.108/h at 200 tok/s = $0.00015 / 1K
    expect(names(plan({ model: "tiny" }, "hybrid")).slice(0, 2)).toEqual([
      "mid:cluster_under_threshold",
      "openai:fallback",
    ]);
  });

  it("latency ranks by measured EWMA, unmeasured targets first so they get measured", () => {
    const { plan, t } = setup();
    for (const [name, ms] of [
      ["cheap", 300],
      ["mid", 50],
      ["dear", 80],
      ["openai", 500],
    ] as const)
      t(name).latency.observe(ms);
    expect(names(plan({ model: "tiny" }, "latency")).map((n) => n.split(":")[0])).toEqual([
      "claude",
      "mid",
      "dear",
      "cheap",
      "openai",
    ]);
  });

  it("filters by context length, streaming and tools capability", () => {
    const { plan } = setup();
    const long = plan(
      { model: "tiny", messages: [{ role: "user", content: "x".repeat(8000) }], max_tokens: 200 },
      "cost",
    );
    expect(long.map((c) => c.target.name)).not.toContain("cheap");
    const tools = plan(
      { model: "tiny", tools: [{ type: "function", function: { name: "f" } }], max_tokens: 10 },
      "cluster_first",
    );
    expect(tools.map((c) => c.target.name)).toEqual(["dear", "openai", "claude"]);
  });

  it("maps aliases so a model is never sent to a provider that does not serve it", () => {
    const { plan } = setup();
    const gpt = plan({ model: "gpt-4o" }, "cost");
    // gpt-4o is OpenAI's own model (priced in the table); Anthropic has no alias for it.
    expect(gpt.map((c) => `${c.target.name}=${c.upstreamModel}`)).toEqual(["openai=gpt-4o"]);
    const tiny = plan({ model: "tiny" }, "external_first");
    expect(tiny.find((c) => c.target.name === "claude")?.upstreamModel).toBe("claude-3-5-haiku");
  });

  it("keeps embeddings away from Anthropic, whose adapter has none", () => {
    const { cfg } = setup();
    const targets = TargetSet.build(cfg, planningRegistry, createPriceTable(), silent);
    const candidates = planRoute({
      profile: embeddingsProfile({ model: "tiny", input: "x" }),
      targets: targets.list,
      settings: cfg.router,
      strategy: "external_first",
    });
    expect(candidates.map((c) => c.target.name)).toEqual(["openai", "cheap", "mid"]);
  });

  it("answers 400 when the context fits no target", () => {
    const { plan } = setup();
    const err = (() => {
      try {
        plan({ model: "tiny", max_tokens: 500_000 });
      } catch (e) {
        return e as HttpError;
      }
    })();
    expect(err?.status).toBe(400);
    expect(err?.code).toBe("context_length_exceeded");
  });

  it("pins a target by header and refuses unknown or incapable pins", () => {
    const { plan } = setup();
    expect(names(plan({ model: "tiny" }, "hybrid", "dear"))).toEqual(["dear:pinned"]);
    expect(() => plan({ model: "tiny" }, "hybrid", "nope")).toThrow('Unknown or disabled target "nope"');
    expect(() => plan({ model: "gpt-4o" }, "hybrid", "cheap")).toThrow('does not serve model "gpt-4o"');
  });

  it("moves overloaded clusters (queue deeper than maxQueueDepth) to the end", () => {
    const { plan, t } = setup();
    t("cheap").live.queueDepth = 9;
    expect(names(plan({ model: "tiny" }, "hybrid"))).toEqual([
      "mid:cluster_under_threshold",
      "openai:fallback",
      "claude:fallback",
      "dear:fallback",
      "cheap:overloaded",
    ]);
  });

  it("skips targets whose circuit is open or whose health poll failed", () => {
    const { plan, t } = setup();
    for (let i = 0; i < 5; i++) t("cheap").breaker.onFailure();
    t("mid").live = { polledAt: 1, reachable: false };
    expect(names(plan({ model: "tiny" }, "hybrid")).slice(0, 1)).toEqual(["openai:preferred_unavailable"]);
  });

  it("keeps externals out when enableExternalFallback is false", () => {
    const { plan } = setup({ ...base, router: { ...base.router, enableExternalFallback: false } });
    expect(plan({ model: "tiny" }, "external_first").map((c) => c.target.name)).toEqual([
      "cheap",
      "mid",
      "dear",
    ]);
    // ...but a pin still reaches one.
    expect(plan({ model: "tiny" }, "hybrid", "openai").map((c) => c.target.name)).toEqual(["openai"]);
  });

  it("bounds the candidates to maxRetries + 1", () => {
    const { plan } = setup({ ...base, router: { ...base.router, maxRetries: 1 } });
    expect(plan({ model: "tiny" }, "cost")).toHaveLength(2);
  });
});

describe("scale-to-zero awareness", () => {
  const raw = {
    clusters: [
      {
        name: "gpu",
        endpoint: "http://10.0.0.9",
        models: ["tiny"],
        costPerHour: 0.036,
        pool: "gpu",
        scaleToZero: true,
      },
      { name: "cpu", endpoint: "http://10.0.0.8", models: ["tiny"], costPerHour: 0.072 },
    ],
    // A wake-up this cheap (node $/h for ~0 warm minutes) pays for any waiting request; the
    // wake-up rule itself is tested in test/pricing/wake-up.test.ts.
    router: { pendingDemandHalfLife: "10s", wakeUpWarmMinutes: 0.0001 },
  };

  it("routes around a cold pool and raises its pending demand, then returns once it is ready", () => {
    let now = 1_000_000;
    const cfg = config(raw);
    const targets = TargetSet.build(cfg, planningRegistry, createPriceTable(), silent, undefined, () => now);
    const gpu = targets.byName.get("gpu")!;
    const plan = () =>
      planRoute({
        profile: chatProfile({ model: "tiny", messages: [{ role: "user", content: "hi" }] }, 16),
        targets: targets.list,
        settings: cfg.router,
        strategy: "hybrid",
      });
    gpu.live = { polledAt: now, reachable: false };
    // A queue on the always-on pool: its next request costs its amortized price, so the cheaper
    // gpu pool ranks first (with a free slot the paid-for cpu pool would, at ~$0 marginal).
    targets.byName.get("cpu")!.live = { queueDepth: 1 };
    expect(gpu.isCold()).toBe(true);
    expect(names(plan())).toEqual(["cpu:cold_target_bypassed:gpu"]);
    plan();
    expect(gpu.demand.current()).toBeCloseTo(2, 6);
    now += 10_000; // one half-life
    expect(gpu.demand.current()).toBeCloseTo(1, 6);
    gpu.live = { polledAt: now, reachable: true, ready: true };
    expect(names(plan())[0]).toBe("gpu:cluster_under_threshold");
  });

  it("answers a pin to a cold pool with 503 + Retry-After and counts it as demand", () => {
    const cfg = config(raw);
    const targets = TargetSet.build(cfg, planningRegistry, createPriceTable(), silent);
    const gpu = targets.byName.get("gpu")!;
    gpu.live = { polledAt: 1, reachable: false };
    let err: HttpError | undefined;
    try {
      planRoute({
        profile: chatProfile({ model: "tiny", messages: [{ role: "user", content: "hi" }] }, 16),
        targets: targets.list,
        settings: cfg.router,
        strategy: "hybrid",
        pinned: "gpu",
      });
    } catch (e) {
      err = e as HttpError;
    }
    expect(err?.status).toBe(503);
    expect(err?.headers["retry-after"]).toBe("10");
    expect(gpu.demand.current()).toBeGreaterThan(0.99);
  });

  it("treats 0 ready replicas from the exporter as cold", () => {
    const cfg = config(raw);
    const targets = TargetSet.build(cfg, planningRegistry, createPriceTable(), silent);
    const gpu = targets.byName.get("gpu")!;
    gpu.live = { polledAt: 1, reachable: true, ready: true, readyReplicas: 0 };
    expect(gpu.isCold()).toBe(true);
    expect(gpu.health()).toBe("cold");
  });
});

describe("cross-cloud egress", () => {
  it("adds egress to a target in another cloud when the router's cloud is set", () => {
    const raw = {
      router: { cloud: "aws" },
      clusters: [
        { name: "aws-c", endpoint: "http://10.0.0.1", models: ["tiny"], costPerHour: 0.036, provider: "aws" },
        { name: "gcp-c", endpoint: "http://10.0.0.2", models: ["tiny"], costPerHour: 0.036, provider: "gcp" },
      ],
    };
    const cfg = config(raw);
    const targets = TargetSet.build(cfg, planningRegistry, createPriceTable(), silent);
    const aws = targets.byName.get("aws-c")!.estimateCost("tiny", 1000, 1000);
    const gcp = targets.byName.get("gcp-c")!.estimateCost("tiny", 1000, 1000);
    // 4512 bytes out of AWS at $0.09/GB plus 4512 bytes out of GCP at $0.12/GB.
    expect(gcp - aws).toBeCloseTo((4512 * 0.09 + 4512 * 0.12) / 1024 ** 3, 15);
  });
});

describe("Go-shaped clusters", () => {
  it("serve any model name when they list none, priced with overheadFactor", () => {
    const cfg = config({
      router: { overheadFactor: 1.5 },
      clusters: [{ name: "go", endpoint: "http://10.0.0.1", costPerHour: 0.072 }],
    });
    const targets = TargetSet.build(cfg, planningRegistry, createPriceTable(), silent);
    const go = targets.byName.get("go")!;
    expect(go.resolveModel("anything-7b")).toEqual({ upstream: "anything-7b", exact: true });
    // $0.072/h at the assumed 20 tok/s = $0.001 / 1K, times 1.5.
    expect(go.costPer1K()).toBeCloseTo(0.0015, 12);
  });
});
