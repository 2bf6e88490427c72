import { type Job, RouterClient } from "@llm/client";
import { parseConfig, type RunningRouter, startRouter } from "@llm/router";
import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import pino from "pino";

/**
 * @llm/client against the real router (with tenants, usage ledger and admin API): requirement
 * headers are accepted and change routing, pinning works, and getCosts reads the ledger.
 */
const TENANT_KEY = "tenant-key-0123456789";
const ADMIN_KEY = "admin-key-0123456789";

describe("RouterClient against the real router", () => {
  let cluster: FakeOpenAI;
  let external: FakeOpenAI;
  let running: RunningRouter;

  beforeAll(async () => {
    const fake = { seed: 1, ttftMs: { median: 2, p95: 4 }, perTokenMs: { median: 0.1, p95: 0.2 } };
    cluster = await startFakeOpenAI({
      ...fake,
      name: "cluster",
      model: "tiny",
      metrics: () => "llm_runtime_tokens_per_second 50\n",
    });
    external = await startFakeOpenAI({ ...fake, name: "ext", model: "gpt-x", apiKey: "sk-ext" });
    const config = parseConfig(
      {
        server: { host: "127.0.0.1", port: 0, logLevel: "silent" },
        router: { healthCheckInterval: "1s" },
        clusters: [{ name: "local", endpoint: cluster.origin, models: ["tiny"], costPerHour: 0.01 }],
        externalProviders: [
          {
            name: "ext",
            type: "openai",
            apiKey: "sk-ext",
            baseURL: external.baseURL,
            defaultModel: "gpt-x",
            pricing: { "gpt-x": { input: 5, output: 15 } },
          },
        ],
        tenants: [{ id: "acme", keys: [{ id: "acme-1", key: TENANT_KEY }] }],
        admin: { key: ADMIN_KEY },
      },
      {},
    );
    const logger = pino({ level: "silent" });
    // startRouter composes tenants, guard, ledger and admin API (createRouter).
    running = await startRouter({ config, logger });
    await running.router.poller.pollAll();
  });

  afterAll(async () => {
    await running.close();
    await cluster.close();
    await external.close();
  });

  it("maps requirements onto router strategies and pins targets, then reports costs by target", async () => {
    const client = new RouterClient({
      baseURL: running.url,
      apiKey: TENANT_KEY,
      adminKey: ADMIN_KEY,
      retryBaseMs: 1,
    });
    const failed: Job[] = [];
    client.on("job:failed", (j) => failed.push(j));
    const req = { model: "auto", messages: [{ role: "user", content: "hello router" }], max_tokens: 8 };
    const from = new Date(Date.now() - 1000);
    const ids = client.submitBatch(
      [
        { request: req, requirements: { cost: "minimize" } },
        { request: req, requirements: { strategy: "external_first" } },
        { request: req, requirements: { target: "ext" } },
        { request: req, requirements: { target: "local" } },
        { request: req, requirements: { latency: "low", region: "eu-west-1" } },
      ],
      { parallelism: 2 },
    );
    const jobs = await client.waitFor(ids);
    expect(failed).toEqual([]);
    expect(jobs.map((j) => j.status)).toEqual(Array(5).fill("completed"));
    // The cluster is far cheaper, so `cost` picks it; external_first and the pins go where asked.
    expect(jobs.map((j) => j.target)).toEqual(["local", "ext", "ext", "local", expect.any(String)]);
    expect(jobs[0]?.reason).toBe("lowest_cost");
    expect(jobs[1]?.reason).toBe("external_first");
    // No target is configured in eu-west-1: the preference is noted, the request still served.
    expect(jobs[4]?.reason).toBe("outside_region");

    const costs = await client.getCosts({ from, to: new Date(Date.now() + 1000) });
    expect(costs.total.requests).toBe(5);
    const byTarget = Object.fromEntries(costs.byTarget.map((t) => [t.target, t.requests]));
    expect((byTarget.local ?? 0) + (byTarget.ext ?? 0)).toBe(5);
    expect(byTarget.ext).toBeGreaterThanOrEqual(2);
    // The external provider's tokens are priced from the config; it is the most expensive target.
    expect(costs.byTarget[0]?.target).toBe("ext");
    expect(costs.total.costUsd).toBeGreaterThan(0);
    // Each job carries the router's x-router-cost-usd; together they are what the ledger booked.
    for (const j of jobs) expect(j.costUsd).toBeGreaterThan(0);
    const jobsUsd = jobs.reduce((sum, j) => sum + (j.costUsd ?? 0), 0);
    expect(jobsUsd).toBeCloseTo(costs.total.costUsd, 8);
    await client.close();
  });

  it("fails jobs the router rejects (unknown pinned target) without retrying them", async () => {
    const client = new RouterClient({ baseURL: running.url, apiKey: TENANT_KEY, retryBaseMs: 1 });
    const id = client.submit(
      { model: "auto", messages: [{ role: "user", content: "x" }] },
      { target: "nowhere" },
    );
    const [job] = await client.waitFor(id);
    expect(job?.status).toBe("failed");
    expect(job?.attempts).toBe(1);
    expect(job?.error?.param).toBe("x-router-target");
    await client.close();
  });
});
