import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { expectedTaints } from "../cloud.js";
import { KubectlError } from "../kubectl.js";
import { type CheckContext, type CheckResult, fail, type KNode, pass } from "./context.js";

export const POOL_CHECK = "gpu pool scales to zero";
export const TAINT_CHECK = "gpu node taint";

/** The slice of `pulumi stack output --json` this check reads (secrets may show as "[secret]"). */
const outputsSlice = z.object({
  cloud: z.string().optional(),
  pools: z.object({
    gpu: z
      .object({ minNodes: z.number(), maxNodes: z.number(), instanceType: z.string().optional() })
      .optional(),
  }),
});

/** Reads the GPU pool's bounds from a stack outputs file. */
export function poolFromOutputs(file: string): z.infer<typeof outputsSlice> {
  const parsed = outputsSlice.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success)
    throw new Error(`${file} is not a stack outputs file: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

interface NodeGroupStatus {
  name: string;
  minSize: number;
  maxSize: number;
}

/**
 * Node groups in cluster-autoscaler's status ConfigMap. Handles the YAML layout (cluster-autoscaler >= 1.30,
 * `nodeGroups[].health.minSize`) and the older text layout (`Name: ...` / `Health: ... (minSize=0, maxSize=2)`).
 */
export function parseAutoscalerStatus(text: string): NodeGroupStatus[] {
  try {
    const doc = parseYaml(text) as {
      nodeGroups?: Array<{ name?: string; health?: Record<string, unknown> }>;
    };
    if (Array.isArray(doc?.nodeGroups))
      return doc.nodeGroups
        .filter((g) => typeof g.name === "string")
        .map((g) => ({
          name: g.name!,
          minSize: Number(g.health?.minSize),
          maxSize: Number(g.health?.maxSize),
        }));
  } catch {
    // Not YAML: the text layout below.
  }
  const groups: NodeGroupStatus[] = [];
  const re = /Name:\s+(\S+)\s*\n\s*Health:[^\n]*minSize=(\d+),\s*maxSize=(\d+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text))
    groups.push({ name: m[1]!, minSize: Number(m[2]), maxSize: Number(m[3]) });
  return groups;
}

/**
 * Proves the GPU pool exists with a lower bound of 0. A pool at zero nodes has no Node objects, so the
 * bound comes from the stack outputs file when given (the source of truth Pulumi wrote), else from
 * cluster-autoscaler's status ConfigMap (EKS runs it in kube-system; AKS publishes the same ConfigMap).
 * GKE's autoscaler is not visible through the API: pass --outputs there.
 */
export async function checkPoolMinZero(ctx: CheckContext, nodes: KNode[]): Promise<CheckResult> {
  if (ctx.opts.outputs) {
    let out: z.infer<typeof outputsSlice>;
    try {
      out = poolFromOutputs(ctx.opts.outputs);
    } catch (err) {
      return fail(POOL_CHECK, (err as Error).message);
    }
    const gpu = out.pools.gpu;
    if (!gpu) return fail(POOL_CHECK, `stack outputs (${ctx.opts.outputs}) have no GPU pool`);
    const where = `stack outputs: minNodes=${gpu.minNodes} maxNodes=${gpu.maxNodes}${gpu.instanceType ? ` ${gpu.instanceType}` : ""}`;
    return gpu.minNodes === 0 ? pass(POOL_CHECK, where) : fail(POOL_CHECK, `${where} (minNodes must be 0)`);
  }
  let status: string | undefined;
  try {
    const cm = await ctx.kubectl.json<{ data?: { status?: string } }>([
      "get",
      "configmap",
      "cluster-autoscaler-status",
      "-n",
      "kube-system",
      "-o",
      "json",
    ]);
    status = cm.data?.status;
  } catch (err) {
    if (!(err instanceof KubectlError && err.notFound)) return fail(POOL_CHECK, (err as Error).message);
  }
  const groups = status ? parseAutoscalerStatus(status) : [];
  const group = groups.find((g) => g.name.includes(ctx.opts.gpuPool));
  if (group) {
    const where = `cluster-autoscaler: ${group.name} minSize=${group.minSize} maxSize=${group.maxSize}`;
    return group.minSize === 0 ? pass(POOL_CHECK, where) : fail(POOL_CHECK, `${where} (minSize must be 0)`);
  }
  const seen = nodes.length > 0 ? `${nodes.length} GPU node(s) exist but ` : "no GPU nodes and ";
  return fail(
    POOL_CHECK,
    `${seen}no autoscaler node group matching "${ctx.opts.gpuPool}"` +
      (groups.length ? ` (groups: ${groups.map((g) => g.name).join(", ")})` : "") +
      "; pass --outputs <pulumi stack output --json file>",
  );
}

/** Every GPU node carries the cloud's expected taints; undefined when there is no node to look at yet. */
export function checkTaints(ctx: CheckContext, nodes: KNode[]): CheckResult | undefined {
  if (nodes.length === 0) return undefined;
  const expected = expectedTaints(ctx.cloud);
  const show = (t: { key: string; value?: string; effect: string }) =>
    `${t.key}=${t.value ?? ""}:${t.effect}`;
  const bad: string[] = [];
  for (const node of nodes) {
    const taints = node.spec?.taints ?? [];
    const missing = expected.filter(
      (e) => !taints.some((t) => t.key === e.key && (t.value ?? "") === e.value && t.effect === e.effect),
    );
    if (missing.length)
      bad.push(
        `${node.metadata.name} lacks ${missing.map(show).join(", ")} (has ${taints.map(show).join(", ") || "none"})`,
      );
  }
  if (bad.length) return fail(TAINT_CHECK, bad.join("; "));
  return pass(TAINT_CHECK, `${nodes.length} node(s) tainted ${expected.map(show).join(", ")}`);
}
