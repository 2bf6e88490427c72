import { buildRouterConfig, type StackOutputs } from "@llm/contracts";
import {
  inputsOf,
  isSecretInput,
  isSecretOutput,
  type MockRecorder,
  outputValue,
  setStackConfig,
  settle,
  setupPulumiMocks,
} from "@llm/infra-common/testing";
import type * as cloudflare from "@pulumi/cloudflare";
import type * as k8s from "@pulumi/kubernetes";
import { parse } from "yaml";

const pool = (endpoint: string, type: string, spot: boolean) => ({
  endpoint,
  instanceType: type,
  pricePerHour: { onDemand: 0.526, spot: 0.19 },
  capacityType: spot ? "spot" : "on-demand",
  minNodes: spot ? 0 : 1,
  maxNodes: 2,
  capabilities: { models: ["m"], contextLength: 4096, features: [], accelerator: spot ? "nvidia-t4" : "cpu" },
});

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const images = (registry: string) => ({
  runtime: { registry, repository: "llm-runtime", digest: digest("1") },
  runtimeCuda: { registry, repository: "llm-runtime", digest: digest("2") },
  router: { registry, repository: "llm-router", digest: digest("3") },
  exporter: { registry, repository: "llm-exporter", digest: digest("4") },
});
/** The one /scaling token the router accepts; every cloud stack exports the same. */
const scalingToken = "scaling-token-0123456789abcdef";

/** What `pulumi stack output --json --show-secrets` would print for two cloud stacks. */
const awsOutputs = {
  cloud: "aws",
  region: "us-east-1",
  clusterName: "llm-aws-dev",
  kubeconfig: "apiVersion: v1\nkind: Config\n# aws\n",
  authMode: "hmac",
  hmacSecret: "aws-hmac-secret-0123456789abcdef",
  pools: {
    cpu: pool("https://cpu.aws.llm.example.com", "m6i.xlarge", false),
    gpu: pool("https://gpu.aws.llm.example.com", "g4dn.xlarge", true),
  },
  exporterEndpoint: "https://exporter.aws.llm.acme.io/v1/pools",
  ingressAddresses: ["198.51.100.10", "198.51.100.11"],
  scalingToken,
  images: images("123456789012.dkr.ecr.us-east-1.amazonaws.com"),
  // An extra output a stack may add; the router config ignores it.
  registryUrl: "123.dkr.ecr.us-east-1.amazonaws.com",
};
const gcpOutputs = {
  cloud: "gcp",
  region: "us-central1",
  clusterName: "llm-gcp-dev",
  kubeconfig: "apiVersion: v1\nkind: Config\n# gcp\n",
  authMode: "hmac",
  hmacSecret: "gcp-hmac-secret-0123456789abcdef",
  pools: { cpu: pool("https://cpu.gcp.llm.example.com", "e2-standard-4", false) },
  ingressAddresses: ["198.51.100.20"],
  scalingToken,
  images: images("us-central1-docker.pkg.dev"),
};

const AWS = "acme/llm-platform/aws-dev";
const config = {
  "llm-platform:cloud": "global",
  "llm-platform:stacks": [AWS, "gcp-dev"],
  "llm-platform:routerStacks": [AWS, "gcp-dev"],
  "llm-platform:routerHostname": "router.llm.acme.io",
  "llm-platform:router": { routingStrategy: "cost", clusterCostThreshold: 0.001 },
  "llm-platform:routerExtra": { tenants: [{ id: "t1", apiKeys: ["sk-test"] }] },
  "llm-platform:routerOrigins": { [AWS]: "203.0.113.10", "gcp-dev": "lb.gcp.acme.io" },
  "llm-platform:cloudflare": { zoneId: "zone-1", accountId: "acct-1", loadBalancer: true },
  // Two router clusters must share one state store.
  "llm-platform:redisUrl": "rediss://redis.acme.io:6380",
};

let mocks: MockRecorder;
let program: typeof import("../src/index.js");
let stack: ReturnType<typeof import("../src/index.js")["deployGlobal"]>;

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    stack: "global",
    config,
    stackOutputs: { [AWS]: awsOutputs, "gcp-dev": gcpOutputs },
  });
  program = await import("../src/index.js");
  stack = program.deployGlobal();
  await outputValue(stack.outputs.routerConfig);
  await settle(100);
});

describe("global router config", () => {
  it("equals what buildRouterConfig produces for the same stack outputs", async () => {
    const expected = buildRouterConfig([awsOutputs, gcpOutputs] as StackOutputs[], {
      routingStrategy: "cost",
      clusterCostThreshold: 0.001,
      // With shared state the router reads the Redis URL the chart puts in REDIS_URL.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference
      extra: { tenants: [{ id: "t1", apiKeys: ["sk-test"] }], state: { redis: "${REDIS_URL}" } },
      secrets: "inline",
    });
    expect(parse(await outputValue(stack.outputs.routerConfig))).toEqual(expected);
    const secrets = mocks.ofType("kubernetes:core/v1:Secret").filter((s) => s.name.endsWith("-config"));
    expect(secrets).toHaveLength(2);
    for (const s of secrets) {
      const data = inputsOf<k8s.core.v1.SecretArgs>(s).stringData as Record<string, string>;
      expect(parse(data["router.yaml"]!)).toEqual(expected);
      expect(s.inputs.metadata).toMatchObject({ name: "llm-router-config", namespace: "llm-router" });
    }
  });

  it("lists one target per pool of every stack", async () => {
    expect(await outputValue(stack.outputs.routerTargets)).toEqual([
      "aws-llm-aws-dev-cpu",
      "aws-llm-aws-dev-gpu",
      "gcp-llm-gcp-dev-cpu",
    ]);
  });

  it("keeps the config secret and the target names readable", async () => {
    expect(await isSecretOutput(stack.outputs.routerConfig)).toBe(true);
    expect(await isSecretOutput(stack.outputs.routerTargets)).toBe(false);
    for (const s of mocks.ofType("kubernetes:core/v1:Secret").filter((x) => x.name.endsWith("-config")))
      expect(isSecretInput(s, ["stringData", "router.yaml"])).toBe(true);
    for (const p of mocks.ofType("pulumi:providers:kubernetes"))
      expect(isSecretInput(p, ["kubeconfig"])).toBe(true);
  });
});

describe("router deployment", () => {
  it("deploys charts/router into each router stack's cluster with that stack's kubeconfig", () => {
    const kubeconfigs = mocks
      .ofType("pulumi:providers:kubernetes")
      .map((p) => inputsOf<k8s.ProviderArgs>(p).kubeconfig)
      .sort();
    expect(kubeconfigs).toEqual([awsOutputs.kubeconfig, gcpOutputs.kubeconfig].sort());
    const releases = mocks
      .ofType("kubernetes:helm.sh/v3:Release")
      .map((r) => inputsOf<k8s.helm.v3.ReleaseArgs>(r));
    expect(releases).toHaveLength(2);
    for (const r of releases) {
      expect(r.chart).toMatch(/\/charts\/router$/);
      expect(r.values).toMatchObject({
        existingConfigSecret: "llm-router-config",
        existingConfigSecretKey: "router.yaml",
        auth: { mode: "apiKey" },
        ingress: { enabled: true, host: "router.llm.acme.io" },
        podAnnotations: { "checksum/router-config-content": expect.stringMatching(/^[0-9a-f]{64}$/) },
      });
    }
  });
});

describe("Cloudflare load balancing", () => {
  it("health-checks every router on GET /health over HTTPS", () => {
    const monitor = inputsOf<cloudflare.LoadBalancerMonitorArgs>(
      mocks.one("cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor"),
    );
    expect(monitor).toMatchObject({
      accountId: "acct-1",
      type: "https",
      path: "/health",
      expectedCodes: "200",
    });
  });

  it("puts each router cluster in its own pool and fails over between them", () => {
    const pools = mocks
      .ofType("cloudflare:index/loadBalancerPool:LoadBalancerPool")
      .map((p) => ({ id: `${p.name}-id`, ...inputsOf<cloudflare.LoadBalancerPoolArgs>(p) }));
    expect(pools.map((p) => p.origins.map((o) => o.address))).toEqual([["203.0.113.10"], ["lb.gcp.acme.io"]]);
    expect(pools.every((p) => p.monitor === "router-dns-health-id")).toBe(true);
    const lb = inputsOf<cloudflare.LoadBalancerArgs>(mocks.one("cloudflare:index/loadBalancer:LoadBalancer"));
    expect(lb).toMatchObject({
      zoneId: "zone-1",
      name: "router.llm.acme.io",
      defaultPools: pools.map((p) => p.id),
      fallbackPool: pools[0]!.id,
      steeringPolicy: "off",
    });
    // The router host is the load balancer's; DNS records exist only for the clusters' own hosts.
    const records = mocks.ofType("cloudflare:index/dnsRecord:DnsRecord").map((r) => r.inputs.name);
    expect(records).not.toContain("router.llm.acme.io");
  });
});

describe("single DNS record without load balancing", () => {
  it.each([
    ["203.0.113.7", "A"],
    ["abc.elb.amazonaws.com", "CNAME"],
  ])("points the router host at %s with a %s record", async (address, type) => {
    const { CloudflareDns } = await import("../src/dns/cloudflare-dns.js");
    const name = `plain-${type}`;
    const dns = new CloudflareDns(name, {
      zoneId: "z",
      hostname: "router.example.com",
      origins: [{ name: "aws-dev", address }],
      loadBalancer: false,
      proxied: true,
      steeringPolicy: "off",
    });
    await outputValue(dns.urn);
    await settle();
    const record = inputsOf<cloudflare.DnsRecordArgs>(
      mocks.one("cloudflare:index/dnsRecord:DnsRecord", name),
    );
    expect(record).toMatchObject({
      name: "router.example.com",
      type,
      content: address,
      proxied: true,
      ttl: 1,
    });
  });
});

describe("stack outputs and config validation", () => {
  afterAll(() => setStackConfig(config));

  it("names the stack and the missing field when a cloud stack lacks the shared shape", () => {
    expect(() => program.parseStackOutputs("aws-dev", { cloud: "aws", clusterName: "c" })).toThrow(
      /stack aws-dev .*region/,
    );
  });

  it("never echoes a secret value in that error", () => {
    let message = "";
    try {
      program.parseStackOutputs("aws-dev", { ...awsOutputs, hmacSecret: "short-secret" });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/hmacSecret/);
    expect(message).not.toContain("short-secret");
  });

  it("requires the list of stacks, naming the key", () => {
    setStackConfig({});
    expect(() => program.loadGlobalConfig()).toThrow(/llm-platform:stacks/);
  });

  it("requires an account id for the load balancer, naming the key", () => {
    setStackConfig({
      "llm-platform:stacks": ["a"],
      "llm-platform:cloudflare": { zoneId: "z", loadBalancer: true },
    });
    expect(() => program.loadGlobalConfig()).toThrow(/llm-platform:cloudflare\.accountId/);
  });
});
