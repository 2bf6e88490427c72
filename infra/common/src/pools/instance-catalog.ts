/** Shape of one VM type: what the fit check needs. */
export interface InstanceShape {
  vcpu: number;
  memoryGiB: number;
  /** NVIDIA GPUs on the instance. */
  gpus: number;
}

/**
 * VM types the defaults and docs mention. Figures from the providers' instance pages
 * (AWS m6i/g4dn, GCP e2/n1 machine families, Azure Dv5/NCasT4_v3 series).
 */
export const instanceCatalog: Record<string, InstanceShape> = {
  "m6i.large": { vcpu: 2, memoryGiB: 8, gpus: 0 },
  "m6i.xlarge": { vcpu: 4, memoryGiB: 16, gpus: 0 },
  "m6i.2xlarge": { vcpu: 8, memoryGiB: 32, gpus: 0 },
  "g4dn.xlarge": { vcpu: 4, memoryGiB: 16, gpus: 1 },
  "g4dn.2xlarge": { vcpu: 8, memoryGiB: 32, gpus: 1 },
  "e2-standard-2": { vcpu: 2, memoryGiB: 8, gpus: 0 },
  "e2-standard-4": { vcpu: 4, memoryGiB: 16, gpus: 0 },
  "e2-standard-8": { vcpu: 8, memoryGiB: 32, gpus: 0 },
  // n1 VMs carry the T4 as a guest accelerator; the GKE pool attaches exactly one.
  "n1-standard-4": { vcpu: 4, memoryGiB: 15, gpus: 1 },
  "n1-standard-8": { vcpu: 8, memoryGiB: 30, gpus: 1 },
  Standard_D2s_v5: { vcpu: 2, memoryGiB: 8, gpus: 0 },
  Standard_D4s_v5: { vcpu: 4, memoryGiB: 16, gpus: 0 },
  Standard_D8s_v5: { vcpu: 8, memoryGiB: 32, gpus: 0 },
  Standard_NC4as_T4_v3: { vcpu: 4, memoryGiB: 28, gpus: 1 },
  Standard_NC8as_T4_v3: { vcpu: 8, memoryGiB: 56, gpus: 1 },
};

/** Resource requests of one runtime pod. */
export interface PodRequests {
  cpu: number;
  memoryGiB: number;
  gpus: number;
}

/**
 * What we budget per runtime pod, at least what `clusters/<cloud>/values/llm-runtime-*.yaml`
 * request (a test keeps the two in step): CPU runtime 2 vCPU / 4 GiB (the chart requests
 * 2 vCPU / 2 GiB with a 4 GiB limit; we budget the limit); GPU runtime 3 vCPU / 8 GiB / 1 GPU
 * (7B Q4 model, ~4 GiB of weights staged in RAM on load).
 */
export const runtimeRequests: Record<"cpu" | "gpu", PodRequests> = {
  cpu: { cpu: 2, memoryGiB: 4, gpus: 0 },
  gpu: { cpu: 3, memoryGiB: 8, gpus: 1 },
};

/**
 * Per-node DaemonSet overhead we budget for (kube-proxy, CNI, node-exporter, log shipper,
 * device plugin): measured clusters sit around 0.3 vCPU / 0.7 GiB, rounded up.
 */
export const daemonSetOverhead = { cpu: 0.4, memoryGiB: 1 };

/**
 * Allocatable CPU/memory after kubelet reservations, using GKE's published formula (the
 * strictest of the three; EKS and AKS reserve less): CPU 6% of the first core, 1% of the next,
 * 0.5% of the next 2, 0.25% above 4; memory 25% of the first 4 GiB, 20% of the next 4,
 * 10% of the next 8, 6% of the next 112, plus a 100 MiB eviction threshold.
 */
export function allocatable(shape: InstanceShape): { cpu: number; memoryGiB: number } {
  const tiers = (total: number, steps: [number, number][]) => {
    let left = total;
    let reserved = 0;
    for (const [size, frac] of steps) {
      const used = Math.min(left, size);
      reserved += used * frac;
      left -= used;
    }
    return reserved;
  };
  const cpuReserved = tiers(shape.vcpu, [
    [1, 0.06],
    [1, 0.01],
    [2, 0.005],
    [Number.POSITIVE_INFINITY, 0.0025],
  ]);
  const memReserved =
    tiers(shape.memoryGiB, [
      [4, 0.25],
      [4, 0.2],
      [8, 0.1],
      [112, 0.06],
    ]) +
    100 / 1024;
  return { cpu: shape.vcpu - cpuReserved, memoryGiB: shape.memoryGiB - memReserved };
}

/**
 * How many runtime pods with `requests` fit on one node of `shape` after kubelet reservations
 * and DaemonSet overhead. 0 means the pool could never schedule the runtime.
 */
export function podsPerNode(shape: InstanceShape, requests: PodRequests): number {
  const free = allocatable(shape);
  const cpu = Math.floor((free.cpu - daemonSetOverhead.cpu) / requests.cpu);
  const mem = Math.floor((free.memoryGiB - daemonSetOverhead.memoryGiB) / requests.memoryGiB);
  const gpu = requests.gpus > 0 ? Math.floor(shape.gpus / requests.gpus) : Number.POSITIVE_INFINITY;
  return Math.max(0, Math.min(cpu, mem, gpu));
}

/**
 * Throws an Error naming `key` when a known instance type cannot hold one runtime pod.
 * Unknown types pass: the catalog is a guard for the documented defaults, not a price list.
 */
export function assertRuntimeFits(instanceTypes: string[], role: "cpu" | "gpu", key: string): void {
  for (const type of instanceTypes) {
    const shape = instanceCatalog[type];
    if (!shape) continue;
    if (podsPerNode(shape, runtimeRequests[role]) < 1) {
      const r = runtimeRequests[role];
      throw new Error(
        `${key}: instance type ${type} (${shape.vcpu} vCPU, ${shape.memoryGiB} GiB, ${shape.gpus} GPU) cannot fit ` +
          `one ${role} runtime pod (${r.cpu} vCPU, ${r.memoryGiB} GiB, ${r.gpus} GPU)`,
      );
    }
  }
}
