import { errorBody } from "@llm/contracts";
import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import { FAILURE_TABLE } from "../../src/forward/failover.js";
import { tableWithRetries } from "../../src/policies/target-policy.js";
import type { RunningRouter } from "../../src/server.js";
import { createOpenGuard } from "../../src/tenants/open-guard.js";
import type { AccessGuard } from "../../src/tenants/types.js";
import { listen, post } from "../helpers/router.js";

/** Per-target timeouts and same-target retries (router/README.md § Traffic policies), on fake slow upstreams. */

describe("retryOn rows", () => {
  it("turn the named fail_over rows into retry_same and leave every other row as it is", () => {
    const t = tableWithRetries(["server_error", "timeout"]);
    expect(t.map((r) => r.rule)).toEqual(FAILURE_TABLE.map((r) => r.rule));
    const action = (rule: string) => t.find((r) => r.rule === rule)?.action;
    expect(action("server_error")).toBe("retry_same");
    expect(action("timeout")).toBe("retry_same");
    expect(action("request_timeout")).toBe("retry_same");
    expect(action("rate_limited")).toBe("fail_over");
    expect(action("context_window")).toBe("fall_back");
    expect(action("client_error")).toBe("return_to_client");
  });
});

describe("per-target policy", () => {
  let slow: FakeOpenAI;
  let fast: FakeOpenAI;
  let flaky: FakeOpenAI;
  let router: RunningRouter;
  beforeAll(async () => {
    slow = await startFakeOpenAI({ name: "slow" });
    fast = await startFakeOpenAI({ name: "fast" });
    flaky = await startFakeOpenAI({ name: "flaky" });
    slow.delayMs = 1000;
    router = await listen({
      clusters: [
        { name: "slow", endpoint: slow.url, models: ["m"], timeout: "150ms", firstByteTimeout: "150ms" },
        { name: "fast", endpoint: fast.url, models: ["m"] },
        {
          name: "flaky",
          endpoint: flaky.url,
          models: ["m"],
          retries: 2,
          retryOn: ["server_error"],
          retryBackoff: "10ms",
        },
      ],
      modelGroups: [
        {
          name: "slow-first",
          mode: "ordered",
          deployments: [{ target: "slow" }, { target: "fast" }],
        },
        { name: "flaky-only", deployments: [{ target: "flaky" }] },
        {
          name: "slow-grouped",
          mode: "ordered",
          // The group's policy wins over the target's own (150ms).
          policy: { timeout: "400ms" },
          deployments: [{ target: "slow" }, { target: "fast" }],
        },
      ],
      server: { requestTimeout: "60s", firstByteTimeout: "60s" },
      router: { maxRetries: 1, circuitBreaker: { failureThreshold: 100 } },
    });
  });
  afterAll(async () => {
    await router.close();
    await slow.kill();
    for (const f of [fast, flaky]) await f.close();
  });

  const ask = (model: string, stream = false) =>
    post<Record<string, unknown>>(`${router.url}/v1/chat/completions`, {
      model,
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 4,
      stream,
    });

  it.each([false, true])(
    "gives up on a slow target after its own timeout, not the global one (stream: %s)",
    async (stream) => {
      const started = performance.now();
      const { res } = await ask("slow-first", stream);
      const took = performance.now() - started;
      expect(res.status).toBe(200);
      expect(res.headers.get("x-router-target")).toBe("fast");
      expect(res.headers.get("x-router-reason")).toBe("failover");
      expect(took).toBeGreaterThanOrEqual(140);
      expect(took).toBeLessThan(2000);
    },
  );

  it("applies the group's timeout over the target's", async () => {
    const started = performance.now();
    const { res } = await ask("slow-grouped");
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
  });

  it("retries the same target on its retryOn classes before failing over", async () => {
    const before = flaky.received.length;
    flaky.failNext = { status: 500, body: errorBody(500, "transient") };
    const { res } = await ask("flaky-only");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-router-target")).toBe("flaky");
    // One failed attempt and one retry (failNext applies to one request).
    expect(flaky.received.length - before).toBe(2);
  });

  it("does not retry classes outside retryOn", async () => {
    const before = flaky.received.length;
    flaky.failNext = { status: 429, body: errorBody(429, "slow down") };
    const { res } = await ask("flaky-only");
    expect(res.status).toBe(429);
    expect(flaky.received.length - before).toBe(1);
  });
});

describe("a budget reservation across retries and fallbacks", () => {
  it("is taken once and settled once, with the answering attempt's cost", async () => {
    const flaky = await startFakeOpenAI({ name: "flaky" });
    const other = await startFakeOpenAI({ name: "other" });
    const seen = { admits: 0, settles: [] as string[] };
    const open = createOpenGuard();
    const guard: AccessGuard = {
      ...open,
      admit: async (tenant, estimate) => {
        seen.admits++;
        const r = await open.admit(tenant, estimate);
        return { ...r, settle: async (actual) => void seen.settles.push(actual.target) };
      },
    };
    const router = await listen(
      {
        clusters: [
          {
            name: "flaky",
            endpoint: flaky.url,
            models: ["m"],
            retries: 2,
            retryOn: ["server_error"],
            retryBackoff: "10ms",
          },
          { name: "other", endpoint: other.url, models: ["m"] },
        ],
        modelGroups: [
          { name: "g", deployments: [{ target: "flaky" }], fallbacks: { server_error: ["h"] } },
          { name: "h", deployments: [{ target: "other" }] },
        ],
        router: { maxRetries: 0 },
      },
      { guard },
    );
    try {
      // Every attempt at flaky fails: the first and both retries, then the server_error chain answers.
      flaky.mode = "fail500";
      const original = flaky.received.length;
      const { res } = await post(`${router.url}/v1/chat/completions`, {
        model: "g",
        messages: [{ role: "user", content: "hi" }],
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-router-fallback")).toBe("server_error");
      expect(res.headers.get("x-router-target")).toBe("other");
      expect(flaky.received.length - original).toBe(3);
      expect(seen.admits).toBe(1);
      expect(seen.settles).toEqual(["other"]);
    } finally {
      await router.close();
      await flaky.close();
      await other.close();
    }
  });
});
