import { readFileSync } from "node:fs";
import { parse } from "yaml";
import {
  defaultPools,
  instanceCatalog,
  podsPerNode,
  REPO_ROOT,
  runtimeRequests,
  valuesPath,
} from "../src/index.js";

/** Kubernetes quantity to vCPU / GiB. */
function cpuOf(q: string | number): number {
  const s = String(q);
  return s.endsWith("m") ? Number(s.slice(0, -1)) / 1000 : Number(s);
}
function gibOf(q: string | number): number {
  const s = String(q);
  const units: Record<string, number> = { Gi: 1, Mi: 1 / 1024, G: 1e9 / 2 ** 30, M: 1e6 / 2 ** 30 };
  for (const [u, f] of Object.entries(units)) if (s.endsWith(u)) return Number(s.slice(0, -u.length)) * f;
  return Number(s) / 2 ** 30;
}

const cases = (["aws", "gcp", "azure"] as const).flatMap((cloud) =>
  (["cpu", "gpu"] as const).map((pool) => [cloud, pool] as const),
);

describe("runtime requests in the clusters' values files", () => {
  it.each(cases)("stay within what the %s %s pool is sized for", (cloud, pool) => {
    const file = valuesPath(cloud, pool === "cpu" ? "llm-runtime-cpu" : "llm-runtime-gpu", REPO_ROOT);
    const values = parse(readFileSync(file, "utf8")) as {
      resources: { requests: { cpu: string; memory: string } };
    };
    const requested = {
      cpu: cpuOf(values.resources.requests.cpu),
      memoryGiB: gibOf(values.resources.requests.memory),
    };
    expect(requested.cpu).toBeLessThanOrEqual(runtimeRequests[pool].cpu);
    expect(requested.memoryGiB).toBeLessThanOrEqual(runtimeRequests[pool].memoryGiB);
    const shape = instanceCatalog[defaultPools(cloud)[pool].instanceTypes[0]!]!;
    expect(podsPerNode(shape, { ...requested, gpus: pool === "gpu" ? 1 : 0 })).toBeGreaterThanOrEqual(1);
  });
});
