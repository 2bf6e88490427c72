/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: the config uses literal ${ENV} references */
import { buildRouterConfig, parseDurationMs, routerConfigSchema, stackOutputs } from "../../src/index.js";

const outputs = stackOutputs.parse({
  cloud: "aws",
  region: "us-east-1",
  clusterName: "llm",
  authMode: "hmac",
  hmacSecret: "aws-secret-0123456789",
  pools: {
    cpu: {
      endpoint: "https://cpu.aws.example.com",
      instanceType: "m6i.xlarge",
      pricePerHour: { onDemand: 0.192, spot: 0.08 },
      capacityType: "on-demand",
      minNodes: 1,
      maxNodes: 3,
      capabilities: { models: ["tinyllama"], contextLength: 2048, features: [], accelerator: "cpu" },
    },
  },
});

describe("routerConfigSchema", () => {
  it("accepts what buildRouterConfig writes, with its durations in milliseconds", () => {
    const data = buildRouterConfig([outputs], {
      healthCheckInterval: "2s",
      secrets: "env",
      externalProviders: [{ name: "oai", type: "openai", apiKey: "${OPENAI_API_KEY}" }],
      extra: { tenants: [{ id: "t", keys: [{ id: "k", keyHash: "a".repeat(64) }] }] },
    });
    const cfg = routerConfigSchema.parse(data);
    expect(cfg.router.healthCheckInterval).toBe(2000);
    expect(cfg.clusters.map((c) => c.name)).toEqual(["aws-llm-cpu"]);
    expect(cfg.externalProviders[0]).toMatchObject({ name: "oai", type: "openai" });
    expect(cfg.tenants?.[0]?.keys[0]?.keyHash).toBe("a".repeat(64));
  });

  it("names the field of a bad duration", () => {
    const r = routerConfigSchema.safeParse({ router: { healthCheckInterval: "soon" } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["router", "healthCheckInterval"]);
    expect(r.error?.issues[0]?.message).toBe('Invalid duration "soon" (use e.g. 500ms, 10s, 2m or seconds)');
  });
});

describe("parseDurationMs", () => {
  it.each([
    ["500ms", 500],
    ["10s", 10_000],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["1.5s", 1500],
    [" 10 ", 10_000],
  ])("reads %j as %d ms (a bare number is seconds)", (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });
  it.each(["", "10x", "-1s", "1d", "s"])("refuses %j", (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});
