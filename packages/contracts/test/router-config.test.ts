/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: the config uses literal ${ENV} references */
import { buildRouterConfig, hmacSecretEnvName, type StackOutputs, stackOutputs } from "../src/index.js";

const pool = (endpoint: string, over: Record<string, unknown> = {}) => ({
  endpoint,
  instanceType: "m6i.xlarge",
  pricePerHour: { onDemand: 0.192, spot: 0.08 },
  capacityType: "on-demand",
  minNodes: 1,
  maxNodes: 3,
  capabilities: { models: ["tinyllama"], contextLength: 2048, features: [], accelerator: "cpu" },
  ...over,
});

const aws: StackOutputs = stackOutputs.parse({
  cloud: "aws",
  region: "us-east-1",
  clusterName: "llm-dev",
  authMode: "hmac",
  hmacSecret: "aws-secret-0123456789",
  exporterEndpoint: "https://exporter.aws.example.com/metrics",
  pools: {
    cpu: pool("https://cpu.aws.example.com"),
    gpu: pool("https://gpu.aws.example.com", {
      instanceType: "g4dn.xlarge",
      pricePerHour: { onDemand: 0.526, spot: 0.2 },
      capacityType: "spot",
      minNodes: 0,
      capabilities: {
        models: ["mistral-7b"],
        contextLength: 8192,
        features: ["tools"],
        accelerator: "nvidia-t4",
      },
    }),
  },
});

const gcp: StackOutputs = stackOutputs.parse({
  cloud: "gcp",
  region: "europe-west4",
  clusterName: "llm",
  authMode: "none",
  pools: { cpu: pool("https://cpu.gcp.example.com") },
});

describe("buildRouterConfig", () => {
  it("makes one cluster target per pool with the pool's price, auth and capabilities", () => {
    expect(buildRouterConfig([aws, gcp])).toEqual({
      server: { host: "0.0.0.0", port: 8080 },
      router: {
        routingStrategy: "hybrid",
        clusterCostThreshold: 0.002,
        enableExternalFallback: true,
        healthCheckInterval: "10s",
      },
      clusters: [
        {
          name: "aws-llm-dev-cpu",
          endpoint: "https://cpu.aws.example.com",
          region: "us-east-1",
          provider: "aws",
          pool: "cpu",
          costPerHour: 0.192,
          authType: "hmac",
          sharedSecret: "aws-secret-0123456789",
          capabilities: ["chat", "completions", "embeddings", "streaming", "json_schema"],
          models: ["tinyllama"],
          contextLength: 2048,
          exporterEndpoint: "https://exporter.aws.example.com/metrics",
          scaleToZero: false,
        },
        {
          name: "aws-llm-dev-gpu",
          endpoint: "https://gpu.aws.example.com",
          region: "us-east-1",
          provider: "aws",
          pool: "gpu",
          costPerHour: 0.2,
          authType: "hmac",
          sharedSecret: "aws-secret-0123456789",
          capabilities: ["chat", "completions", "embeddings", "streaming", "json_schema", "tools"],
          models: ["mistral-7b"],
          contextLength: 8192,
          exporterEndpoint: "https://exporter.aws.example.com/metrics",
          scaleToZero: true,
        },
        {
          name: "gcp-llm-cpu",
          endpoint: "https://cpu.gcp.example.com",
          region: "europe-west4",
          provider: "gcp",
          pool: "cpu",
          costPerHour: 0.192,
          authType: "none",
          capabilities: ["chat", "completions", "embeddings", "streaming", "json_schema"],
          models: ["tinyllama"],
          contextLength: 2048,
          scaleToZero: false,
        },
      ],
      externalProviders: [],
    });
  });

  it("writes ${ENV} references instead of secrets when asked", () => {
    const cfg = buildRouterConfig([aws], { secrets: "env" });
    expect(cfg.clusters.map((c) => c.sharedSecret)).toEqual([
      "${LLM_HMAC_AWS_LLM_DEV_CPU}",
      "${LLM_HMAC_AWS_LLM_DEV_GPU}",
    ]);
    expect(JSON.stringify(cfg)).not.toContain("aws-secret");
    expect(hmacSecretEnvName("aws-llm-dev-cpu")).toBe("LLM_HMAC_AWS_LLM_DEV_CPU");
  });

  it("applies options and copies external providers and extra sections", () => {
    const ext = [{ name: "openai", type: "openai", apiKey: "${OPENAI_API_KEY}" }];
    const cfg = buildRouterConfig([gcp], {
      port: 9000,
      host: "127.0.0.1",
      routingStrategy: "cost",
      clusterCostThreshold: 0.01,
      enableExternalFallback: false,
      healthCheckInterval: "2s",
      externalProviders: ext,
      extra: { tenants: [] },
    });
    expect(cfg.server).toEqual({ host: "127.0.0.1", port: 9000 });
    expect(cfg.router).toEqual({
      routingStrategy: "cost",
      clusterCostThreshold: 0.01,
      enableExternalFallback: false,
      healthCheckInterval: "2s",
    });
    expect(cfg.externalProviders).toEqual(ext);
    expect(cfg.tenants).toEqual([]);
  });

  it("rejects two stacks that would produce the same target name", () => {
    expect(() => buildRouterConfig([gcp, gcp])).toThrow("duplicate cluster target name: gcp-llm-cpu");
  });

  it("returns an empty cluster list for no outputs", () => {
    expect(buildRouterConfig([]).clusters).toEqual([]);
  });
});
