import { type FakeOpenAI, type RedisServer, startFakeOpenAI, startRedisServer } from "@llm/testing";
import type { RunningRouter } from "../../src/server.js";
import { listen, post } from "../helpers/router.js";

const ADMIN_KEY = "admin-key-abcdefghijklmnop";

/** Two router replicas sharing one Redis: the experiment report counts both replicas' traffic. */
describe("an experiment across replicas", () => {
  let up: FakeOpenAI;
  let redis: RedisServer;
  let r1: RunningRouter;
  let r2: RunningRouter;
  beforeAll(async () => {
    up = await startFakeOpenAI({ name: "up", record: false });
    redis = await startRedisServer();
    const cfg = {
      clusters: [
        { name: "pool-a", endpoint: up.url, models: ["m"] },
        { name: "pool-b", endpoint: up.url, models: ["m"] },
      ],
      modelGroups: [{ name: "chat", deployments: [{ target: "pool-a" }, { target: "pool-b" }] }],
      experiments: [
        {
          name: "ab",
          group: "chat",
          arms: [
            { name: "a", weight: 1, target: "pool-a" },
            { name: "b", weight: 1, target: "pool-b" },
          ],
        },
      ],
      state: { redis: { url: redis.url, keyPrefix: "exp-test:" } },
      admin: { key: ADMIN_KEY },
    };
    r1 = await listen(cfg);
    r2 = await listen(cfg);
  });
  afterAll(async () => {
    await r1.close();
    await r2.close();
    await up.close();
    await redis.stop();
  });

  it("reports the requests both replicas served, from either replica", async () => {
    const ask = (r: RunningRouter, user: string) =>
      post(`${r.url}/v1/chat/completions`, {
        model: "chat",
        user,
        messages: [{ role: "user", content: "hi" }],
      });
    for (let i = 0; i < 15; i++) {
      await ask(r1, `one-${i}`);
      await ask(r2, `two-${i}`);
    }
    const total = async (r: RunningRouter) => {
      const res = await fetch(`${r.url}/admin/experiments/ab`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      const report = (await res.json()) as { arms: { requests: number }[] };
      return report.arms.reduce((s, a) => s + a.requests, 0);
    };
    // Counters are written off the request path: wait (bounded) until both replicas' are in.
    for (let i = 0; i < 100 && (await total(r1)) < 30; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await total(r1)).toBe(30);
    expect(await total(r2)).toBe(30);
  });
});
