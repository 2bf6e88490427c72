import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig, startRouter } from "@llm/router";
import { startFakeOpenAI } from "@llm/testing";
import pino from "pino";
import { summarise, type TargetSummary } from "../../src/compare/analysis/aggregate.js";
import { scoreTargets } from "../../src/compare/analysis/score.js";
import { loadProviders, parseProviders } from "../../src/compare/config/load.js";
import type { RequestRecord } from "../../src/compare/load/runner.js";
import { csvField, toCsv } from "../../src/compare/output/csv.js";
import { runCompare } from "../../src/compare/run.js";
import { renderInBrowser } from "../../src/report/index.js";
import { percentile } from "../../src/stats/distribution.js";

const FIXTURE = new URL("./fixtures/providers-test.yaml", import.meta.url).pathname;

function record(partial: Partial<RequestRecord>): RequestRecord {
  return {
    target: "t",
    index: 0,
    promptId: "p",
    ok: true,
    httpStatus: 200,
    errorCode: "",
    startMs: 0,
    ttftMs: 10,
    latencyMs: 100,
    promptTokens: 10,
    completionTokens: 10,
    tokensPerSecond: 50,
    costUsd: 0,
    servedBy: "",
    ...partial,
  };
}

describe("bench:compare statistics on fixed inputs", () => {
  it("interpolates percentiles between closest ranks", () => {
    const xs = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(percentile(xs, 0.5)).toBeCloseTo(55, 10);
    expect(percentile(xs, 0.95)).toBeCloseTo(95.5, 10);
    expect(percentile(xs, 0.99)).toBeCloseTo(99.1, 10);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });

  it("aggregates latency, success rate and $/1K tokens over successful requests only", () => {
    const records = [
      record({
        index: 0,
        latencyMs: 100,
        ttftMs: 10,
        promptTokens: 100,
        completionTokens: 400,
        costUsd: 0.003,
      }),
      record({
        index: 1,
        latencyMs: 200,
        ttftMs: 20,
        promptTokens: 100,
        completionTokens: 400,
        costUsd: 0.003,
      }),
      record({ index: 2, latencyMs: 300, ttftMs: 30, promptTokens: 0, completionTokens: 0, costUsd: 0 }),
      record({
        index: 3,
        ok: false,
        httpStatus: 503,
        errorCode: "overloaded",
        latencyMs: 5000,
        ttftMs: Number.NaN,
      }),
    ];
    const s = summarise(records, { target: "t", type: "mock", model: "m", priced: true });
    expect(s.successRate).toBe(0.75);
    expect(s.latencyMs.p50).toBe(200);
    expect(s.latencyMs.p95).toBeCloseTo(290, 10);
    expect(s.ttftMs.p50).toBe(20);
    expect(s.costUsd).toBeCloseTo(0.006, 12);
    // $0.006 over 1000 tokens = $0.006 per 1K tokens.
    expect(s.costPer1kTokens).toBeCloseTo(0.006, 12);
    expect(s.errors).toEqual({ overloaded: 1 });
    expect(
      summarise(records, { target: "t", type: "http", model: "m", priced: false }).costPer1kTokens,
    ).toBeNull();
  });

  it("scores targets by the documented ratio-to-best formula", () => {
    const base = summarise([record({})], { target: "x", type: "mock", model: "m", priced: true });
    const mk = (over: Partial<TargetSummary>): TargetSummary => ({ ...base, ...over });
    const a = mk({
      target: "a",
      latencyMs: { p50: 100, p95: 200, p99: 300, mean: 120 },
      costPer1kTokens: 0.002,
      successRate: 1,
      tokensPerSecond: { median: 100, aggregate: 90 },
    });
    const b = mk({
      target: "b",
      latencyMs: { p50: 200, p95: 400, p99: 600, mean: 220 },
      costPer1kTokens: 0.001,
      successRate: 0.9,
      tokensPerSecond: { median: 50, aggregate: 40 },
    });
    const c = mk({
      target: "c",
      latencyMs: { p50: 150, p95: 300, p99: 400, mean: 160 },
      costPer1kTokens: null,
    });
    const [sa, sb, sc] = scoreTargets([a, b, c], {
      latency: 0.4,
      cost: 0.4,
      reliability: 0.1,
      throughput: 0.1,
    });
    // a: latency 1, cost 0.001/0.002 = 0.5, reliability 1, throughput 1.
    expect(sa).toEqual({ latency: 1, cost: 0.5, reliability: 1, throughput: 1, total: 80 });
    // b: latency 200/400 = 0.5, cost 1, reliability 0.9, throughput 0.5 -> 100*(0.2+0.4+0.09+0.05) = 74.
    expect(sb).toEqual({ latency: 0.5, cost: 1, reliability: 0.9, throughput: 0.5, total: 74 });
    // c is unpriced: cost is left out and the other weights renormalised (0.6 in all).
    expect(sc?.cost).toBeNull();
    expect(sc?.latency).toBeCloseTo(200 / 300, 10);
    expect(sc?.total).toBeCloseTo(Math.round((1000 * (0.4 * (2 / 3) + 0.1 * 1 + 0.1 * 0.5)) / 0.6) / 10, 10);
  });

  it("writes RFC 4180 CSV with one row per request", () => {
    expect(csvField('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvField(Number.NaN)).toBe("");
    const csv = toCsv([record({ index: 0 }), record({ index: 1, ok: false, errorCode: "x" })]);
    const lines = csv.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]?.split(",")).toContain("ttft_ms");
    expect(lines[2]?.split(",")[3]).toBe("false");
  });
});

describe("bench:compare providers file", () => {
  it("loads the shipped example", async () => {
    const example = new URL("../../../examples/bench/providers.yaml", import.meta.url).pathname;
    const config = await loadProviders(example);
    expect(config.targets.length).toBeGreaterThanOrEqual(3);
  });

  it.each([
    [{ targets: [] }, "targets"],
    [
      {
        targets: [
          {
            type: "mock",
            name: "a",
            ttftMs: { median: 5, p95: 1 },
            tokensPerSecond: 1,
            price: { inputPer1k: 0, outputPer1k: 0 },
          },
        ],
      },
      "targets.0.ttftMs.p95",
    ],
    [{ targets: [{ type: "http", name: "a", baseURL: "ftp://x", model: "m" }] }, "targets.0.baseURL"],
    [
      { requests: 100_000, targets: [{ type: "http", name: "a", baseURL: "http://x/v1", model: "m" }] },
      "requests",
    ],
    [
      {
        targets: [
          {
            type: "mock",
            name: "a",
            ttftMs: { median: 1, p95: 2 },
            price: { inputPer1k: 0, outputPer1k: 0 },
          },
        ],
      },
      "targets.0.perTokenMs",
    ],
  ])("rejects a bad file, naming the field (%#)", (doc, field) => {
    expect(() => parseProviders(doc)).toThrow(field);
  });
});

describe("bench:compare end to end", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "bench-compare-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("measures mock and http targets over real HTTP, writes CSV/JSON/HTML, and the charts draw in Chromium", async () => {
    // An http target with an API key, served by a separate local fake.
    const upstream = await startFakeOpenAI({
      name: "upstream",
      model: "remote",
      seed: 1,
      ttftMs: { median: 2, p95: 4 },
      perTokenMs: { median: 0.5, p95: 1 },
      apiKey: "sk-test",
      outputTokens: { min: 12, max: 12 },
    });
    try {
      const config = await loadProviders(FIXTURE);
      config.targets.push({
        type: "http",
        name: "remote",
        baseURL: upstream.baseURL,
        apiKeyEnv: "BENCH_TEST_KEY",
        model: "remote",
        headers: {},
        price: { inputPer1k: 0.001, outputPer1k: 0.001 },
      });
      const out = join(dir, "run1");
      const { summary, records } = await runCompare({
        config,
        outDir: out,
        env: { BENCH_TEST_KEY: "sk-test" },
      });

      const csv = (await readFile(join(out, "results.csv"), "utf8")).trim().split("\n");
      expect(csv).toHaveLength(1 + 3 * 16);
      const json = JSON.parse(await readFile(join(out, "summary.json"), "utf8"));
      expect(json.targets.map((t: { target: string }) => t.target)).toEqual([
        "fast-expensive",
        "slow-cheap",
        "remote",
      ]);

      const [fast, slow, remote] = summary.targets;
      expect(fast?.successRate).toBe(1);
      expect(remote?.successRate).toBe(1);
      expect(upstream.requests).toBe(16);
      expect(slow!.successRate).toBeLessThan(1);
      expect(slow!.successRate).toBeGreaterThan(0.4);
      // TTFT is measured from the stream and sits under the end-to-end latency.
      expect(fast!.ttftMs.p50!).toBeGreaterThanOrEqual(2);
      expect(fast!.ttftMs.p50!).toBeLessThan(fast!.latencyMs.p50!);
      // Uniform prices make $/1K equal to the price; token counts come from the usage chunk.
      expect(fast?.costPer1kTokens).toBeCloseTo(0.002, 9);
      expect(remote?.completionTokens).toBe(16 * 12);
      const fastRecords = records.filter((r) => r.target === "fast-expensive");
      const expectedCost = fastRecords.reduce(
        (n, r) => n + ((r.promptTokens + r.completionTokens) / 1000) * 0.002,
        0,
      );
      expect(fast?.costUsd).toBeCloseTo(expectedCost, 8);
      // The cheapest target gets the full cost component.
      expect(slow?.score.cost).toBe(1);
      for (const t of summary.targets) {
        expect(t.score.total).toBeGreaterThan(0);
        expect(t.score.total).toBeLessThanOrEqual(100);
      }

      // Seeded mocks: a second run fails the same requests and streams the same token counts.
      const again = await runCompare({
        config,
        outDir: join(dir, "run2"),
        env: { BENCH_TEST_KEY: "sk-test" },
      });
      const fate = (rs: RequestRecord[]) =>
        rs.map((r) => `${r.target}/${r.index}:${r.ok}:${r.completionTokens}`);
      expect(fate(again.records)).toEqual(fate(records));

      // The report draws in a real browser with no server and no network.
      const dom = await renderInBrowser(join(out, "report.html"));
      expect(dom).toContain('data-charts-drawn="6"');
      const scoreBars = [...dom.matchAll(/<rect [^>]*data-chart="score"[^>]*>/g)].map((m) => m[0]);
      expect(scoreBars).toHaveLength(3);
      for (const t of summary.targets) {
        expect(
          scoreBars.some(
            (b) => b.includes(`data-category="${t.target}"`) && b.includes(`data-value="${t.score.total}"`),
          ),
        ).toBe(true);
      }
      const cdf = [...dom.matchAll(/<path [^>]*data-chart="latency-cdf"[^>]*>/g)];
      expect(cdf).toHaveLength(3);
      expect(dom.match(/<rect [^>]*data-chart="latency-percentiles"/g)).toHaveLength(12);
      expect(dom).not.toMatch(/<script[^>]+src=/);
    } finally {
      await upstream.close();
    }
  });

  it("benchmarks the real router as an http target, streaming through it, and records the serving target", async () => {
    const cluster = await startFakeOpenAI({
      name: "cluster",
      model: "tiny",
      seed: 3,
      ttftMs: { median: 2, p95: 4 },
      perTokenMs: { median: 0.3, p95: 0.6 },
      outputTokens: { min: 6, max: 6 },
      metrics: () => "llm_runtime_tokens_per_second 40\n",
    });
    const logger = pino({ level: "silent" });
    const config = parseConfig(
      {
        server: { host: "127.0.0.1", port: 0, logLevel: "silent" },
        clusters: [{ name: "local", endpoint: cluster.origin, models: ["tiny"], costPerHour: 0.05 }],
      },
      {},
    );
    const router = await startRouter({ config, logger });
    try {
      const providers = parseProviders({
        requests: 8,
        concurrency: 2,
        maxTokens: 6,
        targets: [
          {
            type: "http",
            name: "router-cost",
            baseURL: `${router.url}/v1`,
            model: "auto",
            headers: { "x-router-strategy": "cost" },
          },
        ],
      });
      const progress: string[] = [];
      const { summary, records } = await runCompare({
        config: providers,
        outDir: join(dir, "router"),
        progress: (l) => progress.push(l),
      });
      // Progress while it runs: a start line, then the target every tenth of its requests.
      expect(progress[0]).toBe("compare: 1 target(s) × 8 requests, 2 in flight each");
      expect(progress.slice(1).map((l) => l.split(" ").slice(1, 3).join(" "))).toEqual(
        [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `router-cost ${n}/8`),
      );
      expect(progress.at(-1)).toMatch(/^compare: router-cost 8\/8 done \d+\.\d s$/);
      expect(summary.targets[0]?.successRate).toBe(1);
      expect(records.every((r) => r.servedBy === "local")).toBe(true);
      expect(records.every((r) => r.completionTokens === 6 && r.ttftMs > 0)).toBe(true);
      // No price for the router target: cost is unknown and left out of its score.
      expect(summary.targets[0]?.costPer1kTokens).toBeNull();
      expect(summary.targets[0]?.score.cost).toBeNull();
      expect(summary.targets[0]?.score.note).toBe("unpriced");
      expect(summary.ranking).toEqual({
        cheapest: null,
        bestScore: "router-cost",
        unpriced: ["router-cost"],
      });
    } finally {
      await router.close();
      await cluster.close();
    }
  });

  it("fails fast when an http target's API key variable is unset", async () => {
    const config = parseProviders({
      targets: [
        { type: "http", name: "r", baseURL: "http://127.0.0.1:9/v1", model: "m", apiKeyEnv: "NOPE_KEY" },
      ],
    });
    await expect(runCompare({ config, outDir: join(dir, "run3"), env: {} })).rejects.toThrow("NOPE_KEY");
  });
});
