import { applyEnv, parseConfig } from "../../src/config/load.js";
import { capacityTypeOf, nodeInfo } from "../../src/kubernetes/node-info.js";
import { nodePricePerHour } from "../../src/pricing/node-price.js";
import { instancePrices } from "../../src/pricing/price-table.js";
import { parsePromText, sumOf } from "../../src/scrape/prom-text.js";

describe("capacity type from node labels", () => {
  it.each([
    [{ "eks.amazonaws.com/capacityType": "SPOT" }, "spot"],
    [{ "eks.amazonaws.com/capacityType": "ON_DEMAND" }, "on-demand"],
    [{ "karpenter.sh/capacity-type": "spot" }, "spot"],
    [{ "cloud.google.com/gke-spot": "true" }, "spot"],
    [{ "cloud.google.com/gke-preemptible": "true" }, "spot"],
    [{ "kubernetes.azure.com/scalesetpriority": "spot" }, "spot"],
    [{ "kubernetes.azure.com/scalesetpriority": "regular" }, "on-demand"],
    [{}, "on-demand"],
  ])("reads %j as %s", (labels, expected) => {
    expect(capacityTypeOf(labels as Record<string, string>)).toBe(expected);
  });
});

describe("node prices", () => {
  const node = (labels: Record<string, string>, gpus = 0) =>
    nodeInfo({
      metadata: { name: "n", labels },
      status: {
        allocatable: gpus ? { "nvidia.com/gpu": String(gpus) } : {},
        conditions: [{ type: "Ready", status: "True" }],
      },
    });

  it("prices a GKE spot n1-standard-4 with one T4 as machine plus GPU", () => {
    const n = node(
      {
        "node.kubernetes.io/instance-type": "n1-standard-4",
        "cloud.google.com/gke-spot": "true",
        "cloud.google.com/gke-accelerator": "nvidia-tesla-t4",
      },
      1,
    );
    expect(nodePricePerHour(n)).toBeCloseTo(0.04 + 0.14, 9);
  });

  it("bills the GKE GPU even before the device plugin advertises it", () => {
    const n = node({
      "node.kubernetes.io/instance-type": "n1-standard-4",
      "cloud.google.com/gke-accelerator": "nvidia-tesla-t4",
    });
    expect(n.gpus).toBe(0);
    expect(nodePricePerHour(n)).toBeCloseTo(0.189999 + 0.35, 9);
  });

  it("prices an AKS spot NC4as_T4_v3 from the table and an override over it", () => {
    const n = node(
      {
        "node.kubernetes.io/instance-type": "Standard_NC4as_T4_v3",
        "kubernetes.azure.com/scalesetpriority": "spot",
      },
      1,
    );
    expect(nodePricePerHour(n)).toBe(instancePrices.Standard_NC4as_T4_v3!.spot);
    expect(nodePricePerHour(n, { onDemand: 1, spot: 0.25 })).toBe(0.25);
  });

  it("leaves unknown instance types unpriced", () => {
    expect(nodePricePerHour(node({ "node.kubernetes.io/instance-type": "x9.huge" }))).toBeUndefined();
  });

  it("knows every instance type the clouds' stacks use", () => {
    for (const t of ["g4dn.xlarge", "m6i.xlarge", "m5.xlarge", "n1-standard-4", "e2-standard-4"])
      expect(instancePrices[t]).toBeDefined();
    for (const t of ["Standard_NC4as_T4_v3", "Standard_D4s_v5"]) expect(instancePrices[t]).toBeDefined();
  });
});

describe("Prometheus text parsing", () => {
  it("sums a metric over label sets, with escaped quotes, and ignores comments and timestamps", () => {
    const samples = parsePromText(
      [
        "# HELP x_total things",
        "# TYPE x_total counter",
        'x_total{a="1",b="say \\"hi\\""} 3 1700000000000',
        'x_total{a="2"} 4.5',
        "x_total_created 17",
        "y NaN",
        "garbage line here {",
      ].join("\n"),
    );
    expect(sumOf(samples, "x_total")).toBe(7.5);
    expect(samples[0]?.labels).toEqual({ a: "1", b: 'say "hi"' });
    expect(sumOf(samples, "missing")).toBeUndefined();
  });
});

describe("config", () => {
  it("names the field it rejects", () => {
    expect(() => parseConfig({ pools: [{ name: "gpu", runtime: { port: 70000 } }] })).toThrow(
      /pools\.0\.runtime\.port/,
    );
    expect(() => parseConfig({ pools: [] })).toThrow(/pools/);
    expect(() => parseConfig({ pools: [{ name: "a" }, { name: "a" }] })).toThrow(/pools\.1\.name: duplicate/);
    expect(() => parseConfig({ pools: [{ name: "a" }], bogus: 1 })).toThrow(/bogus/);
  });

  it("applies env overrides over the file", () => {
    const cfg = parseConfig(
      applyEnv(
        { port: 1, pools: [{ name: "cpu" }] },
        { EXPORTER_PORT: "9500", EXPORTER_KUBE_API_SERVER: "http://127.0.0.1:1", EXPORTER_KUBE_TOKEN: "t" },
      ),
    );
    expect(cfg.port).toBe(9500);
    expect(cfg.kubernetes).toMatchObject({ apiServer: "http://127.0.0.1:1", token: "t", enabled: true });
    expect(cfg.refreshIntervalSeconds).toBe(15);
    expect(cfg.idleThroughputFloor).toBe(1);
  });
});
