import { errorBody } from "@llm/contracts";
import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import type { RouterAccess } from "../../src/create-router.js";
import { newcombeDifference, welchDifference, wilson } from "../../src/policies/stats-math.js";
import type { RunningRouter } from "../../src/server.js";
import { config, listenWithAccess, post } from "../helpers/router.js";

const ADMIN_KEY = "admin-key-abcdefghijklmnop";

describe("experiment statistics", () => {
  it("Wilson and Newcombe intervals match Newcombe (1998) table II (56/70 vs 48/80, method 10)", () => {
    const [lo, hi] = wilson(56, 70);
    expect(lo).toBeCloseTo(0.692, 3);
    expect(hi).toBeCloseTo(0.877, 3);
    const d = newcombeDifference(56, 70, 48, 80);
    expect(d?.estimate).toBeCloseTo(0.2, 6);
    // Newcombe's method 10 for this example: 0.0524 to 0.3339.
    expect(d?.low).toBeCloseTo(0.0524, 3);
    expect(d?.high).toBeCloseTo(0.3339, 3);
  });

  it("Welch's interval covers the true difference and is symmetric around the estimate", () => {
    const m = (xs: number[]) => ({
      n: xs.length,
      sum: xs.reduce((s, x) => s + x, 0),
      sumSq: xs.reduce((s, x) => s + x * x, 0),
    });
    const d = welchDifference(m([10, 12, 11, 13, 12, 11]), m([20, 25, 22, 24, 21, 23, 22]));
    expect(d?.estimate).toBeCloseTo(11.5 - 22.428571, 4);
    expect(d!.high - d!.estimate).toBeCloseTo(d!.estimate - d!.low, 9);
    expect(d!.low).toBeLessThan(-8);
    expect(d!.high).toBeGreaterThan(-13.5);
    expect(d!.high).toBeLessThan(0);
  });
});

describe("GET /admin/experiments/{name}", () => {
  let a: FakeOpenAI;
  let b: FakeOpenAI;
  let running: RunningRouter;
  let access: RouterAccess;
  beforeAll(async () => {
    a = await startFakeOpenAI({ name: "a", record: false });
    b = await startFakeOpenAI({ name: "b", record: false });
    ({ running, runtime: access } = await listenWithAccess(
      config({
        clusters: [
          { name: "pool-a", endpoint: a.url, models: ["m"], costPerHour: 0.5 },
          { name: "pool-b", endpoint: b.url, models: ["m"], costPerHour: 1 },
        ],
        modelGroups: [{ name: "chat", deployments: [{ target: "pool-a" }, { target: "pool-b" }] }],
        experiments: [
          {
            name: "ab",
            group: "chat",
            arms: [
              { name: "control", weight: 1, target: "pool-a" },
              { name: "treatment", weight: 1, target: "pool-b" },
            ],
          },
        ],
        router: { maxRetries: 0 },
        admin: { key: ADMIN_KEY },
      }),
    ));
  });
  afterAll(async () => {
    await running.close();
    await a.close();
    await b.close();
  });

  it("reports per-arm counts, latency, error rate, cost per 1K tokens and intervals from the usage records", async () => {
    for (let i = 0; i < 60; i++) {
      if (i % 10 === 0) b.failNext = { status: 500, body: errorBody(500, "boom") };
      await post(`${running.url}/v1/chat/completions`, {
        model: "chat",
        user: `u${i}`,
        messages: [{ role: "user", content: "hello there" }],
        max_tokens: 8,
      });
    }
    const records = access.ledger.records().filter((r) => r.experiment?.id === "ab");
    expect(records.length).toBe(60);
    // The counters are written off the request path: wait (bounded) for the last ones.
    let report: Record<string, unknown> = {};
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`${running.url}/admin/experiments/ab`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      expect(res.status).toBe(200);
      report = (await res.json()) as Record<string, unknown>;
      const arms = report.arms as { requests: number }[];
      if (arms.reduce((s, x) => s + x.requests, 0) === 60) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const arms = report.arms as {
      name: string;
      requests: number;
      errors: number;
      errorRate: number;
      latencyMs: { p50: number; p95: number };
      costPer1KTokens: number | null;
    }[];
    const byArm = Object.fromEntries(arms.map((x) => [x.name, x]));
    const fromRecords = (arm: string) => records.filter((r) => r.experiment?.arm === arm);
    expect(byArm.control?.requests).toBe(fromRecords("control").length);
    expect(byArm.treatment?.errors).toBe(fromRecords("treatment").filter((r) => r.status >= 400).length);
    expect(byArm.control?.latencyMs.p95).toBeGreaterThanOrEqual(byArm.control?.latencyMs.p50 ?? 0);
    expect(byArm.treatment?.costPer1KTokens).toBeGreaterThan(0);
    const cmp = (report.comparisons as { arm: string; errorRate: { low: number; high: number } }[])[0];
    expect(cmp?.arm).toBe("treatment");
    expect(cmp!.errorRate.low).toBeLessThan(cmp!.errorRate.high);
    expect(String((report.method as Record<string, string>).errorRate)).toMatch(/Newcombe/);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(
      /llm_router_experiment_requests_total\{experiment="ab",arm="treatment",status="502"\} \d+/,
    );
  });

  it("answers 404 for an unknown experiment and 401 without the admin key", async () => {
    const unknown = await fetch(`${running.url}/admin/experiments/nope`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(unknown.status).toBe(404);
    expect((await fetch(`${running.url}/admin/experiments/ab`)).status).toBe(401);
  });

  it("lists groups and experiments in /health", async () => {
    const health = (await (await fetch(`${running.url}/health`)).json()) as {
      modelGroups: { name: string }[];
      experiments: { name: string; active: boolean }[];
    };
    expect(health.modelGroups.map((g) => g.name)).toEqual(["chat"]);
    expect(health.experiments).toEqual([expect.objectContaining({ name: "ab", active: true })]);
  });
});

describe("an experiment's end", () => {
  it("announces experiment_end once and routes the group as declared afterwards", async () => {
    const a = await startFakeOpenAI({ name: "a", record: false });
    const b = await startFakeOpenAI({ name: "b", record: false });
    const end = new Date(Date.now() + 600).toISOString();
    const { running } = await listenWithAccess(
      config({
        clusters: [
          { name: "pool-a", endpoint: a.url, models: ["m"] },
          { name: "pool-b", endpoint: b.url, models: ["m"] },
        ],
        modelGroups: [
          { name: "chat", mode: "ordered", deployments: [{ target: "pool-a" }, { target: "pool-b" }] },
        ],
        experiments: [
          {
            name: "short",
            group: "chat",
            end,
            arms: [
              { name: "x", weight: 1, target: "pool-a" },
              { name: "y", weight: 1, target: "pool-b" },
            ],
          },
        ],
      }),
    );
    const ended: unknown[] = [];
    running.router.events.subscribe({ types: ["experiment_end"] }, (e) => {
      ended.push(e);
    });
    const ask = () =>
      post(`${running.url}/v1/chat/completions`, {
        model: "chat",
        user: "u1",
        messages: [{ role: "user", content: "hi" }],
      });
    try {
      expect((await ask()).res.headers.get("x-router-experiment")).toMatch(/^short\/[xy]$/);
      while (Date.now() < Date.parse(end)) await new Promise((r) => setTimeout(r, 50));
      await running.router.experimentClock?.tick();
      await running.router.experimentClock?.tick();
      await new Promise((r) => setImmediate(r));
      expect(ended).toEqual([
        expect.objectContaining({ type: "experiment_end", experiment: "short", arms: ["x", "y"] }),
      ]);
      const after = await ask();
      expect(after.res.headers.get("x-router-experiment")).toBeNull();
      expect(after.res.headers.get("x-router-target")).toBe("pool-a");
    } finally {
      await running.close();
      await a.close();
      await b.close();
    }
  });
});
