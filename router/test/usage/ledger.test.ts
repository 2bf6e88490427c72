import { Registry } from "prom-client";
import { UsageLedger } from "../../src/usage/ledger.js";
import type { UsageRecord } from "../../src/usage/types.js";

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

function rec(i: number, over: Partial<UsageRecord> = {}): UsageRecord {
  const tenants = ["acme", "beta", "gamma"];
  const targets = ["openai", "anthropic", "local"];
  return {
    timestamp: T0 + i * 1000,
    requestId: `r${i}`,
    tenantId: tenants[i % 3]!,
    keyId: `k${i % 3}`,
    target: targets[i % 2]!,
    model: i % 4 === 0 ? "gpt-4o-mini" : "claude-haiku-4-5",
    upstreamModel: "x",
    promptTokens: 10 + (i % 7),
    completionTokens: 3 + (i % 5),
    costUsd: (i % 11) * 0.000_37,
    latencyMs: 100 + i,
    status: i % 13 === 0 ? 502 : 200,
    stream: i % 2 === 0,
    ...over,
  };
}

describe("usage ledger", () => {
  it("reports totals equal to the sum of per-request costs and tokens, with a breakdown that adds up", async () => {
    const ledger = new UsageLedger();
    const records = Array.from({ length: 500 }, (_, i) => rec(i));
    for (const r of records) await ledger.record(r);
    const report = await ledger.query({ from: T0, to: T0 + 500_000, groupBy: "tenant" });
    const sum = (f: (r: UsageRecord) => number) => records.reduce((n, r) => n + f(r), 0);
    expect(report.resolution).toBe("records");
    expect(report.totals.requests).toBe(500);
    expect(report.totals.costUsd).toBeCloseTo(
      sum((r) => r.costUsd),
      10,
    );
    expect(report.totals.promptTokens).toBe(sum((r) => r.promptTokens));
    expect(report.totals.completionTokens).toBe(sum((r) => r.completionTokens));
    expect(report.totals.errors).toBe(records.filter((r) => r.status >= 400).length);
    expect(report.breakdown.map((b) => b.key).sort()).toEqual(["acme", "beta", "gamma"]);
    expect(report.breakdown.reduce((n, b) => n + b.costUsd, 0)).toBeCloseTo(report.totals.costUsd, 10);
    const acme = records.filter((r) => r.tenantId === "acme");
    expect(report.breakdown.find((b) => b.key === "acme")!.costUsd).toBeCloseTo(
      acme.reduce((n, r) => n + r.costUsd, 0),
      10,
    );
  });

  it("filters by time range and groups by target or model", async () => {
    const ledger = new UsageLedger();
    for (let i = 0; i < 100; i++) await ledger.record(rec(i));
    const half = await ledger.query({ from: T0, to: T0 + 50_000, groupBy: "target" });
    expect(half.totals.requests).toBe(50);
    expect(half.breakdown.map((b) => b.key).sort()).toEqual(["anthropic", "openai"]);
    const byModel = await ledger.query({ from: T0, to: T0 + 100_000, groupBy: "model" });
    expect(byModel.breakdown.find((b) => b.key === "gpt-4o-mini")!.requests).toBe(25);
  });

  it("stays bounded and answers from hourly roll-ups once old records are evicted", async () => {
    const ledger = new UsageLedger({ maxRecords: 50 });
    const records = Array.from({ length: 200 }, (_, i) => rec(i, { timestamp: T0 + i * 60_000 }));
    for (const r of records) await ledger.record(r);
    expect(ledger.records()).toHaveLength(50);
    const all = await ledger.query({ from: T0, to: T0 + 200 * 60_000, groupBy: "tenant" });
    expect(all.resolution).toBe("hourly");
    expect(all.totals.requests).toBe(200);
    expect(all.totals.costUsd).toBeCloseTo(
      records.reduce((n, r) => n + r.costUsd, 0),
      10,
    );
  });

  it("exports per-tenant Prometheus counters", async () => {
    const registry = new Registry();
    const ledger = new UsageLedger({ registry });
    await ledger.record(
      rec(1, { tenantId: "acme", costUsd: 0.25, promptTokens: 10, completionTokens: 5, status: 200 }),
    );
    await ledger.record(
      rec(2, { tenantId: "acme", costUsd: 0.5, promptTokens: 1, completionTokens: 0, status: 429 }),
    );
    const text = await registry.metrics();
    expect(text).toContain('llm_router_tenant_cost_usd_total{tenant="acme"} 0.75');
    expect(text).toContain('llm_router_tenant_tokens_total{tenant="acme",type="prompt"} 11');
    expect(text).toContain('llm_router_tenant_tokens_total{tenant="acme",type="completion"} 5');
    expect(text).toContain('llm_router_tenant_requests_total{tenant="acme",status="429"} 1');
    // A second ledger on the same registry reuses the counters instead of throwing.
    expect(() => new UsageLedger({ registry })).not.toThrow();
  });
});
