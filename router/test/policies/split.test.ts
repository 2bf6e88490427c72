import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import type { RunningRouter } from "../../src/server.js";
import { listen, post } from "../helpers/router.js";

/**
 * Weighted splits (router/README.md § Traffic policies): 1,000 requests from 1,000 distinct users
 * on fake targets, sticky assignment that every router replica agrees on, and an arm killed
 * mid-run whose share moves to the other arm without a failed request.
 */

const experimentConfig = (a: FakeOpenAI, b: FakeOpenAI) => ({
  clusters: [
    { name: "pool-a", endpoint: a.url, models: ["tiny-q8"] },
    { name: "pool-b", endpoint: b.url, models: ["tiny-q4"] },
  ],
  modelGroups: [
    {
      name: "chat-small",
      deployments: [
        { target: "pool-a", model: "tiny-q8" },
        { target: "pool-b", model: "tiny-q4" },
      ],
    },
  ],
  experiments: [
    {
      name: "q4-rollout",
      group: "chat-small",
      arms: [
        { name: "control", weight: 90, target: "pool-a" },
        { name: "q4", weight: 10, target: "pool-b" },
      ],
    },
  ],
});

async function ask(url: string, user: string | undefined, extra: Record<string, unknown> = {}) {
  const { res } = await post(`${url}/v1/chat/completions`, {
    model: "chat-small",
    messages: [{ role: "user", content: "hi" }],
    max_tokens: 4,
    ...(user ? { user } : {}),
    ...extra,
  });
  await res.arrayBuffer().catch(() => undefined);
  return {
    status: res.status,
    experiment: res.headers.get("x-router-experiment"),
    target: res.headers.get("x-router-target"),
    reason: res.headers.get("x-router-reason"),
  };
}

/** Runs `n` calls of `fn(i)`, `width` at a time, results in index order. */
async function pool<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

describe("weighted split of a model group", () => {
  let a: FakeOpenAI;
  let b: FakeOpenAI;
  let r1: RunningRouter;
  let r2: RunningRouter;
  beforeAll(async () => {
    a = await startFakeOpenAI({ name: "a", record: false });
    b = await startFakeOpenAI({ name: "b", record: false });
    r1 = await listen(experimentConfig(a, b));
    r2 = await listen(experimentConfig(a, b));
  });
  afterAll(async () => {
    await r1.close();
    await r2.close();
    await a.close();
    await b.close();
  });

  it("sends 90/10 of 1,000 distinct users to the arms (within 3 points), naming experiment, arm and target", async () => {
    const results = await pool(1000, 16, (i) => ask(r1.url, `user-${i}`));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const q4 = results.filter((r) => r.experiment === "q4-rollout/q4");
    const control = results.filter((r) => r.experiment === "q4-rollout/control");
    expect(q4.length + control.length).toBe(1000);
    expect(Math.abs(q4.length / 1000 - 0.1)).toBeLessThanOrEqual(0.03);
    // x-router-target names the arm's target.
    expect(q4.every((r) => r.target === "pool-b")).toBe(true);
    expect(control.every((r) => r.target === "pool-a")).toBe(true);
    expect(results[0]?.reason).toBe("weighted_split");
  });

  it("keeps each user on one arm, and two router processes agree without shared state", async () => {
    const users = Array.from({ length: 200 }, (_, i) => `sticky-${i}`);
    const first = await pool(200, 8, (i) => ask(r1.url, users[i]));
    const again = await pool(200, 8, (i) => ask(r1.url, users[i]));
    const other = await pool(200, 8, (i) => ask(r2.url, users[i]));
    expect(again.map((r) => r.experiment)).toEqual(first.map((r) => r.experiment));
    expect(other.map((r) => r.experiment)).toEqual(first.map((r) => r.experiment));
  });

  it("takes metadata.user_id as the sticky key when there is no user", async () => {
    const byUser = await ask(r1.url, "meta-7");
    const byMeta = await Promise.all(
      Array.from({ length: 5 }, () => ask(r2.url, undefined, { metadata: { user_id: "meta-7" } })),
    );
    expect(new Set(byMeta.map((r) => r.experiment))).toEqual(new Set([byUser.experiment]));
  });

  it("assigns requests without a user per request by weight", async () => {
    const results = await pool(400, 16, () => ask(r1.url, undefined));
    const q4 = results.filter((r) => r.experiment === "q4-rollout/q4").length;
    // 10% of 400 is 40 (sd 6): both arms are used, the small one about as often as its weight says.
    expect(q4).toBeGreaterThan(10);
    expect(q4).toBeLessThan(90);
  });
});

describe("an arm killed mid-run", () => {
  it("shifts its share to the other arm without a failed request, and counts the diversions", async () => {
    const a = await startFakeOpenAI({ name: "a", record: false });
    const b = await startFakeOpenAI({ name: "b", record: false });
    const router = await listen(experimentConfig(a, b));
    try {
      const before = await pool(300, 8, (i) => ask(router.url, `user-${i}`));
      await b.kill();
      const after = await pool(700, 8, (i) => ask(router.url, `user-${300 + i}`));
      const all = [...before, ...after];
      expect(all.filter((r) => r.status !== 200)).toEqual([]);
      expect(before.some((r) => r.target === "pool-b")).toBe(true);
      // After the kill every answer comes from pool-a: first by failover, then (circuit open) by diversion.
      expect(after.every((r) => r.target === "pool-a")).toBe(true);
      const metrics = await (await fetch(`${router.url}/metrics`)).text();
      const diverted =
        /llm_router_split_diverted_total\{split="q4-rollout",arm="q4",reason="down"\} (\d+)/.exec(metrics);
      expect(Number(diverted?.[1])).toBeGreaterThan(0);
      expect(after.some((r) => r.reason === "split_diverted:q4")).toBe(true);
    } finally {
      await router.close();
      await a.close();
    }
  });
});

describe("a cold arm", () => {
  it("sends its share to the warm arm and counts it toward the cold pool's pending demand", async () => {
    const a = await startFakeOpenAI({ name: "a", record: false });
    const b = await startFakeOpenAI({ name: "b", record: false, ready: false });
    const cfg = experimentConfig(a, b);
    const router = await listen({
      ...cfg,
      clusters: [cfg.clusters[0], { ...cfg.clusters[1], scaleToZero: true }],
    });
    try {
      await router.router.poller.pollAll();
      const pool = router.router.targets().find((t) => t.name === "pool-b");
      expect(pool?.isCold()).toBe(true);
      const results = await pool100(router.url);
      expect(results.every((r) => r.status === 200 && r.target === "pool-a")).toBe(true);
      expect(results.some((r) => r.reason === "split_diverted:q4")).toBe(true);
      expect(pool?.demand.current()).toBeGreaterThan(0);
      const metrics = await (await fetch(`${router.url}/metrics`)).text();
      expect(metrics).toMatch(
        /llm_router_split_diverted_total\{split="q4-rollout",arm="q4",reason="cold"\} [1-9]/,
      );
    } finally {
      await router.close();
      await a.close();
      await b.close();
    }
  });
});

const pool100 = (url: string) => pool(100, 8, (i) => ask(url, `cold-user-${i}`));

describe("two arms on one target (two quantizations)", () => {
  it("names each arm by the model it sent, and sends each arm's model", async () => {
    const a = await startFakeOpenAI({ name: "a" });
    const router = await listen({
      clusters: [{ name: "cpu", endpoint: a.url, models: ["tiny-q8", "tiny-q4"] }],
      modelGroups: [{ name: "chat-small", deployments: [{ target: "cpu", model: "tiny-q8" }] }],
      experiments: [
        {
          name: "quant",
          group: "chat-small",
          arms: [
            { name: "q8", weight: 1, target: "cpu", model: "tiny-q8" },
            { name: "q4", weight: 1, target: "cpu", model: "tiny-q4" },
          ],
        },
      ],
    });
    try {
      const results = await pool(40, 4, (i) => ask(router.url, `quant-user-${i}`));
      const sent = a.received.map((r) => r.body.model);
      expect(new Set(results.map((r) => r.experiment))).toEqual(new Set(["quant/q8", "quant/q4"]));
      expect(sent.filter((m) => m === "tiny-q4").length).toBe(
        results.filter((r) => r.experiment === "quant/q4").length,
      );
    } finally {
      await router.close();
      await a.close();
    }
  });
});

describe("a configured sticky header", () => {
  it("wins over the body's user", async () => {
    const a = await startFakeOpenAI({ name: "a", record: false });
    const b = await startFakeOpenAI({ name: "b", record: false });
    const cfg = experimentConfig(a, b);
    const router = await listen({
      ...cfg,
      experiments: [{ ...cfg.experiments[0], stickyHeader: "X-Session-Id" }],
    });
    const askWith = async (session: string, user: string) => {
      const { res } = await post(
        `${router.url}/v1/chat/completions`,
        { model: "chat-small", user, messages: [{ role: "user", content: "hi" }] },
        { "x-session-id": session },
      );
      return res.headers.get("x-router-experiment");
    };
    try {
      for (let s = 0; s < 20; s++) {
        const arms = new Set(
          await Promise.all([0, 1, 2, 3].map((u) => askWith(`session-${s}`, `user-${s}-${u}`))),
        );
        expect(arms.size).toBe(1);
      }
    } finally {
      await router.close();
      await a.close();
      await b.close();
    }
  });
});
