import type { Options } from "../args.js";
import type { GpuCloud, Taint } from "../cloud.js";
import type { Kubectl } from "../kubectl.js";

export type Status = "pass" | "fail" | "skip";

/** One row of the final table. */
export interface CheckResult {
  name: string;
  status: Status;
  detail: string;
}

/** What every check gets. */
export interface CheckContext {
  kubectl: Kubectl;
  opts: Options;
  cloud: GpuCloud;
  /** Progress output (stderr in the CLI). */
  log: (line: string) => void;
  /** Clock in ms and sleep, injectable for tests. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** The parts of a Node we read. */
export interface KNode {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { taints?: Taint[] };
  status?: { allocatable?: Record<string, string>; conditions?: Array<{ type: string; status: string }> };
}

export interface KList<T> {
  items: T[];
}

export const pass = (name: string, detail: string): CheckResult => ({ name, status: "pass", detail });
export const fail = (name: string, detail: string): CheckResult => ({ name, status: "fail", detail });
export const skip = (name: string, detail: string): CheckResult => ({ name, status: "skip", detail });

/** The GPU pool's nodes, by the pool label. */
export async function gpuNodes(ctx: CheckContext): Promise<KNode[]> {
  const selector = `${ctx.opts.poolLabel}=${ctx.opts.gpuPool}`;
  return (await ctx.kubectl.json<KList<KNode>>(["get", "nodes", "-l", selector, "-o", "json"])).items;
}
