import { errorBody } from "@llm/contracts";
import { parseConfig } from "../../src/config/load.js";
import { ClientClosedError } from "../../src/forward/abort.js";
import { FAILURE_TABLE } from "../../src/forward/failover.js";
import { createClusterAdapter } from "../../src/providers/cluster/adapter.js";
import { type CallContext, UpstreamError } from "../../src/providers/types.js";
import { aborted, chunk, completion, failuresOf, type Harness, harness, scripted } from "./harness.js";

const upstream = (status: number, message: string, retryAfter?: number, retryable = status >= 429) =>
  new UpstreamError(status, errorBody(status, message), retryable, retryAfter);

async function* events(...items: (unknown | Error)[]) {
  for (const item of items) {
    await new Promise((r) => setImmediate(r));
    if (item instanceof Error) throw item;
    yield item;
  }
}

const ok = (name: string) =>
  scripted({
    chat: async () => completion(`from ${name}`),
    stream: async () => events(chunk(`from ${name}`)),
  });

describe("the candidate loop and its attempts", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("never fails over mid-stream: the stream ends with an error event and the target's breaker counts it", async () => {
    const a = scripted({
      stream: async () => events(chunk("hel"), upstream(502, "upstream t0 stream failed", undefined, false)),
    });
    const b = ok("b");
    h = await harness([a, b]);
    const res = await h.send({ stream: true });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('"content":"hel"');
    expect(text).toContain('{"error":{"message":"upstream t0 stream failed"');
    expect(text).not.toContain("[DONE]");
    expect(b.calls).toBe(0);
    expect(failuresOf(h.targets[0]!)).toBe(1);
    expect(await h.metrics()).not.toContain("llm_router_retries_total{");
  });

  it("fails a stream over when it dies before its first event, so the client sees only the next target", async () => {
    const a = scripted({
      stream: async () => events(upstream(502, "upstream t0 stream failed", undefined, false)),
    });
    h = await harness([a, ok("b")]);
    const res = await h.send({ stream: true });
    const text = await res.text();
    expect(text).toContain("from b");
    expect(text).not.toContain("t0 stream failed");
    expect(res.headers.get("x-router-reason")).toBe("failover");
    expect(failuresOf(h.targets[0]!)).toBe(1);
  });

  it("aborts the upstream when the client goes away, trips no breaker and tries no other target", async () => {
    let seen: unknown;
    let called!: () => void;
    const reached = new Promise<void>((r) => {
      called = r;
    });
    const a = scripted({
      stream: (ctx: CallContext) => {
        called();
        return aborted(ctx).catch((reason) => {
          seen = reason;
          throw reason;
        });
      },
    });
    const b = ok("b");
    h = await harness([a, b]);
    const ac = new AbortController();
    const sent = fetch(h.url, {
      method: "POST",
      body: JSON.stringify({ stream: true }),
      signal: ac.signal,
    }).catch(() => undefined);
    await reached;
    ac.abort();
    await sent;
    for (let i = 0; i < 200 && seen === undefined; i++) await new Promise((r) => setTimeout(r, 5));
    expect(seen).toBeInstanceOf(ClientClosedError);
    await new Promise((r) => setTimeout(r, 20));
    expect(failuresOf(h.targets[0]!)).toBe(0);
    expect(b.calls).toBe(0);
    expect(await h.metrics()).not.toContain("llm_router_retries_total{");
  });

  it("returns an upstream 4xx as it is, without failing over, and counts the target healthy", async () => {
    const a = scripted({ chat: async () => Promise.reject(upstream(400, "bad temperature")) });
    const b = ok("b");
    h = await harness([a, b]);
    h.targets[0]!.breaker.onFailure();
    h.targets[0]!.breaker.onFailure();
    const res = await h.send();
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("bad temperature");
    expect(res.headers.get("x-router-target")).toBe("t0");
    expect(b.calls).toBe(0);
    expect(failuresOf(h.targets[0]!)).toBe(0);
  });

  it("fails over on 429 without tripping the breaker, and answers 429 with the last Retry-After when all are limited", async () => {
    const a = scripted({ chat: async () => Promise.reject(upstream(429, "slow down", 7)) });
    const b = scripted({ chat: async () => Promise.reject(upstream(429, "slow down too", 3)) });
    h = await harness([a, b]);
    const res = await h.send();
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /^All targets are rate limited: t0: 429 slow down; t1: 429 slow down too/,
    );
    expect([failuresOf(h.targets[0]!), failuresOf(h.targets[1]!)]).toEqual([0, 0]);
    expect(await h.metrics()).toContain('llm_router_retries_total{target="t0"} 1');
  });

  it("fails over on 503 with Retry-After and trips the breaker", async () => {
    const a = scripted({ chat: async () => Promise.reject(upstream(503, "overloaded", 30)) });
    h = await harness([a, ok("b")]);
    const res = await h.send();
    expect(res.status).toBe(200);
    expect(((await res.json()) as ReturnType<typeof completion>).choices[0]?.message.content).toBe("from b");
    expect(res.headers.get("x-router-target")).toBe("t1");
    expect(failuresOf(h.targets[0]!)).toBe(1);
  });

  it.each([
    ["a non-streamed answer (total deadline)", false, { requestTimeout: "60ms" }],
    ["a stream's first byte", true, { firstByteTimeout: "60ms" }],
  ])("times out %s, aborts the upstream and fails over", async (_label, stream, server) => {
    let abortedWith: unknown;
    const hang = (ctx: CallContext) =>
      aborted(ctx).catch((reason) => {
        abortedWith = reason;
        throw reason;
      });
    const a = scripted({ chat: hang, stream: hang });
    h = await harness([a, ok("b")], { server });
    const res = await h.send({ stream });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("from b");
    expect((abortedWith as Error).name).toBe("AttemptTimeoutError");
    expect(failuresOf(h.targets[0]!)).toBe(1);
  });

  it("fails over from a refused connection", async () => {
    const cluster = parseConfig(
      { clusters: [{ name: "t0", endpoint: "http://127.0.0.1:1", models: ["tiny"] }] },
      {},
    ).clusters[0]!;
    const refused = createClusterAdapter(cluster);
    h = await harness([refused, ok("b")]);
    const res = await h.send();
    expect(res.status).toBe(200);
    expect(res.headers.get("x-router-reason")).toBe("failover");
    expect(failuresOf(h.targets[0]!)).toBe(1);
    await refused.close?.();
  });

  it("retries the same target with backoff on a retry_same row, within its budget, then fails over", async () => {
    let n = 0;
    const flaky = scripted({
      chat: async () => (++n <= 2 ? Promise.reject(upstream(503, `busy ${n}`)) : completion("from t0")),
    });
    const retry503 = [
      {
        rule: "retry_503",
        when: (f: { status: number }) => f.status === 503,
        action: "retry_same" as const,
        breaker: "trip" as const,
      },
      ...FAILURE_TABLE,
    ];
    const b = ok("b");
    h = await harness([flaky, b], {
      deps: {
        failureRules: () => retry503,
        sameTargetRetries: () => ({ retries: 2, minTimeoutMs: 1, maxTimeoutMs: 5 }),
      },
    });
    const res = await h.send();
    expect(((await res.json()) as ReturnType<typeof completion>).choices[0]?.message.content).toBe("from t0");
    expect(res.headers.get("x-router-reason")).toBe("lowest_cost");
    expect([flaky.calls, b.calls]).toEqual([3, 0]);

    n = -10; // more failures than the budget: 1 attempt + 2 retries, then the next target
    const again = await h.send();
    expect(((await again.json()) as ReturnType<typeof completion>).choices[0]?.message.content).toBe(
      "from b",
    );
    expect([flaky.calls, b.calls]).toEqual([6, 1]);
  });
});
