import { type CheckResult, fail, type KNode, pass } from "./context.js";

export const ALLOCATABLE_CHECK = "nvidia.com/gpu allocatable";

/** The GPU node(s) advertise at least one allocatable `nvidia.com/gpu` (the device plugin registered). */
export function checkAllocatable(nodes: KNode[], onNode?: string): CheckResult {
  const subject = onNode ? nodes.filter((n) => n.metadata.name === onNode) : nodes;
  if (subject.length === 0)
    return fail(ALLOCATABLE_CHECK, onNode ? `node ${onNode} not found` : "no GPU node (pool still at zero)");
  const counts = subject.map((n) => ({
    name: n.metadata.name,
    gpus: Number(n.status?.allocatable?.["nvidia.com/gpu"] ?? 0),
  }));
  const without = counts.filter((c) => !(c.gpus >= 1));
  const shown = counts.map((c) => `${c.name}=${c.gpus}`).join(", ");
  return without.length ? fail(ALLOCATABLE_CHECK, shown) : pass(ALLOCATABLE_CHECK, shown);
}
