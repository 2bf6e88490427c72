import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Options } from "./args.js";
import { ALLOCATABLE_CHECK, checkAllocatable } from "./checks/allocatable.js";
import {
  type CheckContext,
  type CheckResult,
  fail,
  gpuNodes,
  type KList,
  type KNode,
  skip,
} from "./checks/context.js";
import { checkDevicePlugin, PLUGIN_CHECK } from "./checks/device-plugin.js";
import { checkPoolMinZero, checkTaints, poolFromOutputs, TAINT_CHECK } from "./checks/pool.js";
import { COMPLETION_CHECK, checkCompletion, checkRuntimeHealth, HEALTH_CHECK } from "./checks/runtime.js";
import { runSmokePod, SMOKE_CHECK } from "./checks/smoke-pod.js";
import { detectCloud, type GpuCloud } from "./cloud.js";
import { kubeconfigProblem } from "./kubeconfig.js";
import { findKubectl, Kubectl } from "./kubectl.js";

export interface RunDeps {
  opts: Options;
  /** Environment of kubectl (PATH finds it; KUBECONFIG selects the config). */
  env: NodeJS.ProcessEnv;
  /** Progress lines. */
  log: (line: string) => void;
  /** Repository root, for `.tools/bin/kubectl`. Defaults to the current directory. */
  repoRoot?: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs every check in order and returns the table rows; never throws for a cluster problem. */
export async function validateGpu(deps: RunDeps): Promise<CheckResult[]> {
  const { opts, log } = deps;
  let kubectl: Kubectl;
  try {
    kubectl = new Kubectl(
      findKubectl(opts.kubectl, deps.env, deps.repoRoot ?? process.cwd()),
      opts.context,
      deps.env,
    );
  } catch (err) {
    return [fail("kubectl", (err as Error).message)];
  }
  // Before any kubectl call: without a kubeconfig kubectl talks to localhost:8080 and the error
  // it reports ("the server could not find the requested resource") says nothing about why.
  const noCluster = kubeconfigProblem(deps.env, opts.context);
  if (noCluster) return [fail("kubeconfig", noCluster)];
  let cloud: GpuCloud | undefined = opts.cloud;
  try {
    if (!cloud && opts.outputs) {
      const c = poolFromOutputs(resolve(opts.outputs)).cloud;
      if (c === "aws" || c === "gcp" || c === "azure") cloud = c;
    }
    if (!cloud) {
      const all = await kubectl.json<KList<KNode>>(["get", "nodes", "-o", "json"]);
      cloud = detectCloud(all.items.map((n) => n.metadata.labels ?? {}));
    }
  } catch (err) {
    return [fail("cluster access", (err as Error).message)];
  }
  if (!cloud) return [fail("cloud", "cannot tell the cloud from node labels: pass --cloud aws|gcp|azure")];
  log(`validate-gpu: cloud ${cloud}, context ${opts.context ?? "(current)"}, namespace ${opts.namespace}`);

  const ctx: CheckContext = {
    kubectl,
    opts,
    cloud,
    log,
    now: deps.now ?? Date.now,
    sleep: deps.sleep ?? ((ms) => sleep(ms)),
  };
  let nodes: KNode[];
  try {
    nodes = await gpuNodes(ctx);
  } catch (err) {
    return [fail("cluster access", (err as Error).message)];
  }
  log(`GPU nodes now: ${nodes.length}`);

  const results: CheckResult[] = [];
  const pool = await checkPoolMinZero(ctx, nodes);
  results.push(pool);
  let taint = checkTaints(ctx, nodes);
  if (pool.status === "fail" && nodes.length === 0) {
    // No pool to test: everything after would only time out.
    const why = "no GPU pool found";
    for (const name of [
      TAINT_CHECK,
      PLUGIN_CHECK,
      SMOKE_CHECK,
      ALLOCATABLE_CHECK,
      HEALTH_CHECK,
      COMPLETION_CHECK,
    ])
      results.push(skip(name, why));
    return results;
  }
  const taintIndex = results.push(taint ?? skip(TAINT_CHECK, "pending scale-up")) - 1;
  results.push(await checkDevicePlugin(ctx, nodes.length));

  const smoke = await runSmokePod(ctx);
  results.push(smoke.result);
  const after = await gpuNodes(ctx).catch(() => [] as KNode[]);
  if (!taint) {
    // The pool was at zero: check the node the scale-up brought.
    taint = checkTaints(ctx, after) ?? fail(TAINT_CHECK, "no GPU node appeared to check");
    results[taintIndex] = taint;
  }
  results.push(checkAllocatable(after, smoke.nodeName));

  if (opts.skipRuntime) {
    results.push(skip(HEALTH_CHECK, "--skip-runtime"), skip(COMPLETION_CHECK, "--skip-runtime"));
    return results;
  }
  const health = await checkRuntimeHealth(ctx);
  results.push(health.result);
  if (opts.skipCompletion) results.push(skip(COMPLETION_CHECK, "--skip-completion"));
  else if (!health.model && health.result.status === "fail")
    results.push(skip(COMPLETION_CHECK, "runtime unreachable"));
  else results.push(await checkCompletion(ctx, health.model));
  return results;
}
