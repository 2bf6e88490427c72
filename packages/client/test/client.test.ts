import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Job, RouterClient, requirementsToHeaders, strategyFor, toCostReport } from "../src/index.js";

interface Seen {
  path: string;
  headers: IncomingMessage["headers"];
  body: { model?: string; stream?: boolean };
}

/** A fake router: OpenAI chat wire, routing headers, scripted failures and the usage endpoint. */
function fakeRouter() {
  const seen: Seen[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const attemptsByModel = new Map<string, number>();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
    const url = new URL(req.url ?? "/", "http://x");
    seen.push({ path: url.pathname + url.search, headers: req.headers, body });
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(value));
    };
    const err = (status: number, message: string, code: string) => ({
      error: { message, type: status === 429 ? "rate_limit_error" : "server_error", param: null, code },
    });
    if (url.pathname === "/admin/usage") {
      if (req.headers.authorization !== "Bearer admin-key")
        return json(401, err(401, "admin key required", "unauthorized"));
      return json(200, {
        from: url.searchParams.get("from"),
        to: url.searchParams.get("to"),
        groupBy: url.searchParams.get("groupBy"),
        resolution: "records",
        totals: {
          requests: 12,
          errors: 1,
          promptTokens: 3000,
          completionTokens: 1000,
          costUsd: 1.5,
          latencyMs: 900,
        },
        breakdown: [
          {
            key: "openai",
            requests: 3,
            errors: 0,
            promptTokens: 1000,
            completionTokens: 500,
            costUsd: 1.25,
            latencyMs: 300,
          },
          {
            key: "cluster-aws",
            requests: 9,
            errors: 1,
            promptTokens: 2000,
            completionTokens: 500,
            costUsd: 0.25,
            latencyMs: 600,
          },
        ],
      });
    }
    if (url.pathname !== "/v1/chat/completions") return json(404, err(404, "no route", "not_found"));
    const model = String(body.model);
    const attempt = (attemptsByModel.get(model) ?? 0) + 1;
    attemptsByModel.set(model, attempt);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 15));
    inFlight--;
    if (model === "always-503") {
      return json(503, err(503, "all targets failed", "no_healthy_target"), {
        "x-router-target": "cluster:aws",
      });
    }
    if (model === "bad")
      return json(400, {
        error: { message: "messages: bad", type: "invalid_request_error", param: "messages", code: null },
      });
    if (model === "rate-limited-once" && attempt === 1) {
      return json(429, err(429, "slow down", "rate_limited"), { "retry-after": "0" });
    }
    const target = String(
      req.headers["x-router-target"] ?? `by-${req.headers["x-router-strategy"] ?? "default"}`,
    );
    json(
      200,
      {
        id: `chatcmpl-${seen.length}`,
        object: "chat.completion",
        created: 0,
        model,
        choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
      },
      {
        "x-router-target": target,
        "x-router-reason": model === "failover" ? "failover" : "cheapest",
        "x-router-cost-usd": "0.004",
      },
    );
  });
  return {
    seen,
    get maxInFlight() {
      return maxInFlight;
    },
    resetMax() {
      maxInFlight = 0;
    },
    async start() {
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const msg = (model: string) => ({ model, messages: [{ role: "user", content: "hello" }] });

describe("requirements mapping", () => {
  it.each([
    [{ latency: "low" }, "latency"],
    [{ cost: "performance" }, "latency"],
    [{ cost: "minimize" }, "cost"],
    [{ latency: "high" }, "cost"],
    [{ latency: "low", cost: "minimize" }, "hybrid"],
    [{ latency: "medium" }, "hybrid"],
    [{ cost: "balanced" }, "hybrid"],
    [{ cost: "minimize", strategy: "cluster_first" }, "cluster_first"],
    [{}, undefined],
  ] as const)("maps %j to strategy %s", (req, expected) => {
    expect(strategyFor(req)).toBe(expected);
  });

  it("emits router headers for target and region and rejects bad values naming the field", () => {
    expect(requirementsToHeaders({ cost: "minimize", target: "cluster:gcp", region: "eu-west-1" })).toEqual({
      "x-router-strategy": "cost",
      "x-router-target": "cluster:gcp",
      "x-router-region": "eu-west-1",
    });
    expect(() => requirementsToHeaders({ latency: "fast" as never })).toThrow("requirements.latency");
    expect(requirementsToHeaders({ region: "eu-west-1, eu-central-1", regionPolicy: "require" })).toEqual({
      "x-router-region": "eu-west-1, eu-central-1",
      "x-router-region-policy": "require",
    });
    expect(() => requirementsToHeaders({ region: "eu west" })).toThrow("requirements.region");
    expect(() => requirementsToHeaders({ regionPolicy: "require" })).toThrow("requirements.regionPolicy");
  });
});

describe("RouterClient against a fake router", () => {
  const router = fakeRouter();
  let baseURL: string;
  beforeAll(async () => {
    baseURL = await router.start();
  });
  afterAll(() => router.close());

  it("runs a batch with bounded parallelism, per-request requirements and completion events", async () => {
    const client = new RouterClient({ baseURL: `${baseURL}/v1`, apiKey: "tenant-key", retryBaseMs: 1 });
    const completed: Job[] = [];
    client.on("job:completed", (j) => completed.push(j));
    router.resetMax();
    const ids = client.submitBatch(
      [
        { request: msg("m"), requirements: { cost: "minimize" } },
        { request: msg("m"), requirements: { latency: "low" } },
        { request: msg("m"), requirements: { target: "cluster:azure" } },
        msg("m"),
        msg("m"),
        msg("m"),
      ],
      { parallelism: 2 },
    );
    const jobs = await client.waitFor(ids);
    expect(jobs.map((j) => j.status)).toEqual(Array(6).fill("completed"));
    expect(jobs.map((j) => j.target)).toEqual([
      "by-cost",
      "by-latency",
      "cluster:azure",
      "by-default",
      "by-default",
      "by-default",
    ]);
    expect(router.maxInFlight).toBe(2);
    expect(completed).toHaveLength(6);
    const last = router.seen.at(-1)!;
    expect(last.headers.authorization).toBe("Bearer tenant-key");
    expect(last.body.stream).toBe(false);
    expect(client.knownSpendUsd).toBeCloseTo(0.024, 10);
    await client.close();
  });

  it("retries rate limits, fails jobs after bounded retries, and reports provider failures", async () => {
    const client = new RouterClient({ baseURL, apiKey: "k", maxRetries: 2, retryBaseMs: 1 });
    const failures: unknown[] = [];
    const failed: Job[] = [];
    client.on("provider:failure", (f) => failures.push(f));
    client.on("job:failed", (j) => failed.push(j));
    const ok = client.submit(msg("rate-limited-once"));
    const down = client.submit(msg("always-503"), { cost: "minimize" });
    const bad = client.submit(msg("bad"));
    const recovered = client.submit(msg("failover"));
    const [j1, j2, j3, j4] = await client.waitFor([ok, down, bad, recovered]);
    expect(j1).toMatchObject({ status: "completed", attempts: 2 });
    expect(j2).toMatchObject({ status: "failed", attempts: 3, target: "cluster:aws" });
    expect(j2?.error?.status).toBe(503);
    expect(j2?.error?.code).toBe("no_healthy_target");
    // A 400 is the caller's fault: no retry, no provider failure.
    expect(j3).toMatchObject({ status: "failed", attempts: 1 });
    expect(j3?.error?.param).toBe("messages");
    expect(j4).toMatchObject({ status: "completed", reason: "failover" });
    expect(failed.map((j) => j.id).sort()).toEqual([down, bad].sort());
    expect(failures).toContainEqual(
      expect.objectContaining({ jobId: down, target: "cluster:aws", status: 503, recovered: false }),
    );
    expect(failures).toContainEqual(expect.objectContaining({ jobId: recovered, recovered: true }));
    expect(failures.filter((f) => (f as { jobId: string }).jobId === down)).toHaveLength(3);
    await client.close();
  });

  it("reports costs by target from /admin/usage and fires the cost threshold once", async () => {
    const client = new RouterClient({ baseURL, apiKey: "k", adminKey: "admin-key", costThresholdUsd: 1 });
    const crossings: unknown[] = [];
    client.on("cost:threshold", (c) => crossings.push(c));
    const from = new Date("2026-11-01T00:00:00Z");
    const report = await client.getCosts({ from, to: "2026-11-02T00:00:00Z" });
    expect(report.total).toEqual({
      costUsd: 1.5,
      promptTokens: 3000,
      completionTokens: 1000,
      requests: 12,
      errors: 1,
    });
    expect(report.resolution).toBe("records");
    expect(report.byTarget.map((t) => [t.target, t.costUsd])).toEqual([
      ["openai", 1.25],
      ["cluster-aws", 0.25],
    ]);
    const q = router.seen.at(-1)!.path;
    expect(q).toContain("from=2026-11-01T00%3A00%3A00.000Z");
    expect(q).toContain("groupBy=target");
    await client.getCosts({ from });
    expect(crossings).toEqual([{ spentUsd: 1.5, thresholdUsd: 1, source: "usage" }]);
    await client.close();
  });

  it("also reads the draft usage shape and rejects malformed usage bodies", () => {
    const draft = toCostReport({
      from: "a",
      to: "b",
      total: { costUsd: 1, promptTokens: 1, completionTokens: 1, requests: 1 },
      groups: [{ key: "x", costUsd: 1, promptTokens: 1, completionTokens: 1, requests: 1 }],
    });
    expect(draft.byTarget).toEqual([
      { target: "x", costUsd: 1, promptTokens: 1, completionTokens: 1, requests: 1 },
    ]);
    expect(() => toCostReport({ from: "a", to: "b", totals: {}, breakdown: [] })).toThrow("totals.costUsd");
  });

  it("rejects bad options, requests and unknown job ids with the field named", async () => {
    expect(() => new RouterClient({ baseURL: "not a url", apiKey: "k" })).toThrow("options.baseURL");
    const client = new RouterClient({ baseURL, apiKey: "k" });
    expect(() => client.submit({ model: "m", messages: [] })).toThrow("request.messages");
    expect(() => client.submitBatch([msg("m"), { model: "", messages: [] }])).toThrow(
      "items.1.request.model",
    );
    await expect(client.getCosts({ from: "yesterday-ish" })).rejects.toThrow("from");
    await expect(client.waitFor("job_nope")).rejects.toThrow("unknown job id");
    const denied = new RouterClient({ baseURL, apiKey: "not-admin" });
    await expect(denied.getCosts({ from: 0 })).rejects.toMatchObject({ status: 401 });
    await client.close();
    await denied.close();
  });
});
