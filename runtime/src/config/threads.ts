import { readFileSync } from "node:fs";
import os from "node:os";

/**
 * CPUs the cgroup (v2) quota lets this process use, rounded up; undefined when unlimited or unreadable.
 * `/sys/fs/cgroup/cpu.max` holds "<quota> <period>" or "max <period>".
 */
export function cgroupCpuLimit(
  readFile: (path: string) => string = (p) => readFileSync(p, "utf8"),
): number | undefined {
  let text: string;
  try {
    text = readFile("/sys/fs/cgroup/cpu.max");
  } catch {
    return undefined;
  }
  const [quota, period] = text.trim().split(/\s+/);
  if (!quota || quota === "max" || !period) return undefined;
  const q = Number(quota);
  const p = Number(period);
  if (!Number.isFinite(q) || !Number.isFinite(p) || q <= 0 || p <= 0) return undefined;
  return Math.max(1, Math.ceil(q / p));
}

/**
 * Default inference threads: the cores this process may really use. node-llama-cpp's own default
 * counts every host core, which in a CPU-limited pod (or this 2-core box) oversubscribes the CPU by
 * orders of magnitude and makes each token wait on descheduled threads.
 */
export function defaultThreadCount(
  available: number = os.availableParallelism(),
  cgroupLimit: number | undefined = cgroupCpuLimit(),
): number {
  return Math.max(1, Math.min(available, cgroupLimit ?? available));
}
