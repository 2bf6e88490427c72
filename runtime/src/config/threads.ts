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

/**
 * Threads in libuv's pool as libuv sized it at start-up (it reads UV_THREADPOOL_SIZE once; default 4,
 * capped at 1024). node-llama-cpp runs every decode on this pool. With more than one pool thread,
 * consecutive decodes land on different OS threads; llama.cpp's CPU backend starts its worker
 * threads from the calling thread (an OpenMP build even keeps one spinning team per caller), so
 * decodes fought each other: on a 2-core box 2-thread decoding ran 1.4x slower than llama-server's
 * single decode thread. One pool thread keeps every decode on the same OS thread.
 */
export function libuvPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.UV_THREADPOOL_SIZE;
  if (raw === undefined) return 4;
  // libuv: atoi() into an unsigned int, 0 becomes 1, anything above 1024 (negatives wrap) is capped.
  const n = Number.parseInt(raw, 10);
  if (!Number.isFinite(n) || n === 0) return 1;
  return n < 0 ? 1024 : Math.min(n, 1024);
}
