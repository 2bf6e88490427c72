import pino from "pino";
import { Registry } from "prom-client";
import { parseConfig } from "../../src/config/load.js";
import type { ForwardDeps, Generation } from "../../src/forward/context.js";
import { prepare } from "../../src/forward/prepare.js";
import { createRouterMetrics } from "../../src/metrics/metrics.js";
import { createPriceTable } from "../../src/pricing/table.js";
import { Target } from "../../src/targets/target.js";
import type { AccessGuard, Reservation, TenantContext } from "../../src/tenants/types.js";
import { chat, scripted } from "./harness.js";

describe("prepare (validate, plan, admit)", () => {
  const config = parseConfig(
    { clusters: [{ name: "a", endpoint: "http://127.0.0.1:1", models: ["tiny"] }] },
    {},
  );
  const targets = config.clusters.map(
    (cluster) => new Target({ kind: "cluster", cluster }, scripted({}), config.router, createPriceTable()),
  );
  const gen = { config, targets: { list: targets } } as unknown as Generation;
  const tenant: TenantContext = { tenantId: "t", keyId: "k", isAdmin: false };

  it("puts the admitted reservation's x-ratelimit-* headers on the response before its head", async () => {
    const reservation: Reservation = {
      tenant,
      headers: { "x-ratelimit-limit-requests": "5", "x-ratelimit-remaining-requests": "4" },
      settle: async () => {},
    };
    const deps = {
      current: () => gen,
      guard: { admit: async () => reservation } as unknown as AccessGuard,
      metrics: createRouterMetrics(new Registry()),
      logger: pino({ level: "silent" }),
      now: Date.now,
    } as unknown as ForwardDeps;
    const set: Record<string, string> = {};
    const res = { headersSent: false, setHeader: (k: string, v: string) => (set[k] = v) };
    const p = await prepare(deps, "chat", { headers: {}, body: chat } as never, res as never, tenant);
    expect(p.candidates.map((c) => c.target.name)).toEqual(["a"]);
    expect(set).toEqual({
      "x-ratelimit-limit-requests": "5",
      "x-ratelimit-remaining-requests": "4",
      "x-router-strategy": "hybrid",
    });
  });
});
