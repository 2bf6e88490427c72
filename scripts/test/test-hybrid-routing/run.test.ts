import { createHash } from "node:crypto";
import { parseConfig, startRouter } from "@llm/router";
import { FakeUpstream } from "@llm/testing";
import pino from "pino";
import { formatRows, runHybridRoutingCheck, sseData } from "../../src/test-hybrid-routing/run.js";

/** A router on 127.0.0.1:0 with a silent logger and no background polling (as router's tests start it). */
function listen(raw: Record<string, unknown>) {
  return startRouter({
    config: parseConfig(raw, {}),
    logger: pino({ level: "silent" }),
    healthPolling: false,
    host: "127.0.0.1",
    port: 0,
  });
}

describe("pnpm test-hybrid-routing", () => {
  it("reports where every request went and why, and flags failures", async () => {
    const cheap = await new FakeUpstream({ name: "cheap" }).start();
    const ext = await new FakeUpstream({ name: "ext" }).start();
    const router = await listen({
      router: { clusterCostThreshold: 0.002 },
      clusters: [
        {
          name: "local-dev-cpu",
          endpoint: cheap.url,
          models: ["tiny"],
          costPerHour: 0.02,
          contextLength: 256,
        },
      ],
      externalProviders: [
        {
          name: "oai",
          type: "openai",
          apiKey: "k",
          baseURL: `${ext.url}/v1`,
          models: { tiny: "gpt-4o-mini" },
        },
      ],
    });
    try {
      const rows = await runHybridRoutingCheck(router.url);
      const table = formatRows(rows);
      expect(rows.every((r) => r.ok)).toBe(true);
      const where = Object.fromEntries(rows.map((r) => [r.name, `${r.target}/${r.reason}`]));
      expect(where["short chat"]).toBe("local-dev-cpu/cluster_under_threshold");
      // The long prompt does not fit the cluster's 256-token context.
      expect(where["long chat"]).toBe("oai/no_capable_cluster");
      expect(where["pinned oai"]).toBe("oai/pinned");
      expect(where["invalid body (expects 400)"]).toBe("none/not_routed");
      expect(table).toContain("streamed chat");

      cheap.mode = "fail500";
      ext.mode = "fail500";
      const failing = await runHybridRoutingCheck(router.url);
      expect(failing.find((r) => r.name === "short chat")?.ok).toBe(false);
    } finally {
      await router.close();
      await cheap.close();
      await ext.close();
    }
  });
});

describe("pnpm test-hybrid-routing --api-key", () => {
  it("sends the key to a router with tenants (the local stack's), and fails without it", async () => {
    const up = await new FakeUpstream({ name: "up" }).start();
    const key = "local-dev-key";
    const router = await listen({
      clusters: [{ name: "local-dev-cpu", endpoint: up.url, models: ["tiny"], costPerHour: 0.02 }],
      tenants: [
        {
          id: "local",
          keys: [{ id: "local-dev", keyHash: createHash("sha256").update(key).digest("hex") }],
        },
      ],
    });
    try {
      const rows = await runHybridRoutingCheck(router.url, "tiny", key);
      expect(rows.every((r) => r.ok)).toBe(true);
      const unauthenticated = await runHybridRoutingCheck(router.url, "tiny").catch((e: Error) => e);
      const failedRows = Array.isArray(unauthenticated) ? unauthenticated.filter((r) => !r.ok) : [];
      expect(unauthenticated instanceof Error || failedRows.length > 0).toBe(true);
    } finally {
      await router.close();
      await up.close();
    }
  });
});

describe("sseData", () => {
  it("reads CRLF events, multi-line data and a last event without its blank line", () => {
    expect(sseData('data: {"a":1}\r\n\r\n: keep-alive\r\n\r\ndata: x\ndata: y\n\ndata: [DONE]')).toEqual([
      '{"a":1}',
      "x\ny",
      "[DONE]",
    ]);
  });
});
