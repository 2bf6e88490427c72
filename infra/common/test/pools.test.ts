import { poolOutput } from "@llm/contracts";
import { commonConfig } from "../src/config/common-config.js";
import {
  allocatable,
  defaultPools,
  instanceCatalog,
  loadModelCatalog,
  podsPerNode,
  resolveClusterPools,
  resolvePool,
  runtimeRequests,
  toAksTaint,
  toUpperCaseEffectTaint,
} from "../src/index.js";

const clouds = ["aws", "gcp", "azure"] as const;

describe("default node pools", () => {
  it.each(clouds)("keeps the %s GPU pool spot, tainted, labelled and at zero nodes when idle", (cloud) => {
    const gpu = defaultPools(cloud).gpu;
    expect(gpu.spot).toBe(true);
    expect(gpu.minNodes).toBe(0);
    expect(gpu.desiredNodes).toBe(0);
    expect(gpu.maxNodes).toBeGreaterThan(0);
    expect(gpu.taints.map((t) => t.key)).toContain("nvidia.com/gpu");
    expect(gpu.labels).toMatchObject({ "llm.platform/pool": "gpu", "llm.platform/accelerator": "nvidia-t4" });
    expect(instanceCatalog[gpu.instanceTypes[0]!]?.gpus).toBe(1);
  });

  it.each(clouds)("sizes the %s CPU pool so at least one CPU runtime pod fits a node", (cloud) => {
    const cpu = defaultPools(cloud).cpu;
    expect(cpu.spot).toBe(false);
    expect(cpu.minNodes).toBeGreaterThanOrEqual(1);
    const shape = instanceCatalog[cpu.instanceTypes[0]!]!;
    expect(podsPerNode(shape, runtimeRequests.cpu)).toBeGreaterThanOrEqual(1);
  });

  it.each(clouds)("fits one GPU runtime pod on a %s GPU node", (cloud) => {
    const shape = instanceCatalog[defaultPools(cloud).gpu.instanceTypes[0]!]!;
    expect(podsPerNode(shape, runtimeRequests.gpu)).toBe(1);
  });
});

describe("allocatable capacity", () => {
  it.each([
    ["m6i.xlarge", 3.92, 13.3],
    ["e2-standard-2", 1.93, 6.1],
  ])("reserves kubelet capacity on %s like GKE does", (type, cpu, mem) => {
    const a = allocatable(instanceCatalog[type]!);
    expect(a.cpu).toBeCloseTo(cpu, 1);
    expect(a.memoryGiB).toBeCloseTo(mem, 0);
  });

  it("finds no room for the CPU runtime on a 2 vCPU node once DaemonSets are counted", () => {
    expect(podsPerNode(instanceCatalog["m6i.large"]!, runtimeRequests.cpu)).toBe(0);
  });
});

describe("taint conversion", () => {
  const taint = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" } as const;
  it("spells the effect NO_SCHEDULE for EKS and GKE", () => {
    expect(toUpperCaseEffectTaint(taint)).toEqual({
      key: "nvidia.com/gpu",
      value: "present",
      effect: "NO_SCHEDULE",
    });
  });
  it("writes key=value:Effect strings for AKS", () => {
    expect(toAksTaint(taint)).toBe("nvidia.com/gpu=present:NoSchedule");
  });
});

describe("pool overrides", () => {
  const base = defaultPools("aws").gpu;
  it("applies a larger maxNodes and keeps desired at the minimum", () => {
    expect(resolvePool(base, { maxNodes: 5 }, "k")).toMatchObject({
      minNodes: 0,
      maxNodes: 5,
      desiredNodes: 0,
    });
  });
  it("rejects a minimum above the maximum, naming the key", () => {
    expect(() => resolvePool(base, { minNodes: 3, maxNodes: 2 }, "llm-platform:gpuPool")).toThrow(
      /llm-platform:gpuPool\.minNodes/,
    );
  });
  it("rejects a desired count outside the bounds, naming the key", () => {
    expect(() => resolvePool(base, { desiredNodes: 9 }, "llm-platform:gpuPool")).toThrow(
      /llm-platform:gpuPool\.desiredNodes/,
    );
  });
});

/** The keys every stack must set (no defaults: placeholders are refused). */
const required = (cloud: string) => ({ domain: `${cloud}.llm.acme.io`, acmeEmail: "ops@acme.io" });

describe("resolved pool outputs", () => {
  it.each(clouds)("produces %s pool outputs the shared schema accepts", (cloud) => {
    const pools = resolveClusterPools(cloud, commonConfig.parse(required(cloud)));
    expect(poolOutput.parse(pools.outputs.cpu)).toEqual(pools.outputs.cpu);
    expect(poolOutput.parse(pools.outputs.gpu)).toEqual(pools.outputs.gpu);
    expect(pools.outputs.gpu?.capacityType).toBe("spot");
    expect(pools.outputs.cpu.capacityType).toBe("on-demand");
    expect(pools.outputs.cpu.endpoint).toBe(`https://cpu.${cloud}.llm.acme.io`);
  });

  it("uses configured domain, prices and models", () => {
    const cfg = commonConfig.parse({
      ...required("gcp"),
      domain: "llm.acme.io",
      prices: { gpu: { onDemand: 1, spot: 0.3 } },
      // Models are catalog names now (#16): "llama-3-8b" is not in models/catalog.yaml.
      capabilities: { gpu: { models: ["tinyllama-1.1b-chat-q8_0"], contextLength: 1024 } },
    });
    const out = resolveClusterPools("gcp", cfg).outputs.gpu!;
    expect(out).toMatchObject({
      endpoint: "https://gpu.llm.acme.io",
      pricePerHour: { onDemand: 1, spot: 0.3 },
      capabilities: { models: ["tinyllama-1.1b-chat-q8_0"], contextLength: 1024, accelerator: "nvidia-t4" },
    });
  });

  // A tool-capable model as the catalog would list it (models/catalog.yaml `features`).
  const toolModel = {
    name: "qwen-tools-test",
    uri: "https://example.com/qwen.gguf",
    sha256: "a".repeat(64),
    contextLength: 32768,
    pool: "cpu" as const,
    features: ["tools"],
  };
  const withToolModel = () => [...loadModelCatalog(), toolModel];

  it("gives a pool its catalog model's features by default, so the router's prior says tools", () => {
    const cfg = commonConfig.parse({
      ...required("aws"),
      capabilities: { cpu: { models: [toolModel.name] } },
    });
    const pools = resolveClusterPools("aws", cfg, withToolModel());
    expect(pools.outputs.cpu.capabilities.features).toEqual(["tools"]);
    // The default GPU model (Llama 2, a template without tool calls) declares none.
    expect(pools.outputs.gpu!.capabilities.features).toEqual([]);
  });

  it("declares tools for a CPU pool serving the shipped Qwen 2.5 entry", () => {
    const cfg = commonConfig.parse({
      ...required("gcp"),
      capabilities: { cpu: { models: ["qwen2.5-1.5b-instruct-q4_k_m"], contextLength: 8192 } },
    });
    expect(resolveClusterPools("gcp", cfg).outputs.cpu.capabilities).toMatchObject({
      models: ["qwen2.5-1.5b-instruct-q4_k_m"],
      contextLength: 8192,
      features: ["tools"],
    });
  });

  it("lets capabilities.<pool>.features in stack config win over the catalog's", () => {
    const cfg = commonConfig.parse({
      ...required("aws"),
      capabilities: { cpu: { models: [toolModel.name], features: ["json_schema"] } },
    });
    expect(resolveClusterPools("aws", cfg, withToolModel()).outputs.cpu.capabilities.features).toEqual([
      "json_schema",
    ]);
  });

  it.each(clouds)(
    "keeps the %s default pools (TinyLlama, Llama 2: no tool template) without features",
    (cloud) => {
      const pools = resolveClusterPools(cloud, commonConfig.parse(required(cloud)));
      expect(pools.outputs.cpu.capabilities.features).toEqual([]);
      expect(pools.outputs.gpu!.capabilities.features).toEqual([]);
    },
  );

  it("names the catalog entry when its features are not a list", () => {
    const cfg = commonConfig.parse({
      ...required("aws"),
      capabilities: { cpu: { models: [toolModel.name] } },
    });
    const bad = [...loadModelCatalog(), { ...toolModel, features: "tools" }];
    expect(() => resolveClusterPools("aws", cfg, bad)).toThrow(/qwen-tools-test\.features/);
  });

  it("drops the GPU pool when it is disabled", () => {
    const pools = resolveClusterPools(
      "azure",
      commonConfig.parse({ ...required("azure"), gpuPool: { enabled: false } }),
    );
    expect(pools.outputs.gpu).toBeUndefined();
    expect(pools.specs.gpu).toBeUndefined();
  });

  it("rejects a CPU instance type too small for the runtime, naming the key", () => {
    const cfg = commonConfig.parse({ ...required("aws"), cpuPool: { instanceTypes: ["m6i.large"] } });
    expect(() => resolveClusterPools("aws", cfg)).toThrow(/llm-platform:cpuPool\.instanceTypes/);
  });
});
