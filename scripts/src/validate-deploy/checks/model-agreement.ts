/**
 * model-agreement: what the router advertises for a pool is what that pool's runtime serves.
 * The models catalog is the one source: advertised names are catalog entries, the runtime
 * serves that entry (name, uri, sha256) with the router's context length, at most the entry's,
 * and a target declares `tools` only when the entry does (`features`: its template has tool calls);
 * otherwise agent traffic would wake a pool whose model cannot answer it.
 */
import type { RouterClusterConfigData } from "@llm/contracts";
import type { DeploymentModel } from "../model/types.js";
import { type CheckContext, type DeployCheck, skip, verdict } from "./types.js";
import { argValue, runtimeWorkloads, servedModel } from "./workloads.js";

function checkTarget(
  t: RouterClusterConfigData,
  cluster: DeploymentModel,
  ctx: CheckContext,
  problems: string[],
): void {
  const where = `target ${t.name}`;
  const models = t.models ?? [];
  const runtimes = runtimeWorkloads(cluster.objects).filter((w) => w.pool === t.pool);
  if (runtimes.length === 0) {
    problems.push(`${where}: no runtime serves pool ${t.pool} in ${cluster.stack} ${cluster.mode} mode`);
    return;
  }
  for (const name of models)
    if (!ctx.catalog.models.some((e) => e.name === name))
      problems.push(`${where} advertises ${name}, not an entry of models/catalog.yaml`);
  for (const w of runtimes) {
    const rt = `${w.object.obj.kind} ${w.object.namespace}/${w.object.obj.metadata.name}`;
    const served = servedModel(w);
    const ctxSize = Number(argValue(w.args, "--ctx-size"));
    if (!served || models.length !== 1 || models[0] !== served)
      problems.push(
        `${where} advertises [${models.join(", ")}] but ${rt} serves ${served ?? "(no model name)"}`,
      );
    if (t.contextLength !== ctxSize)
      problems.push(`${where} advertises context ${t.contextLength} but ${rt} runs --ctx-size ${ctxSize}`);
    const entry = ctx.catalog.models.find((e) => e.name === served);
    if (!entry) {
      if (served) problems.push(`${rt} serves ${served}, not an entry of models/catalog.yaml`);
      continue;
    }
    if ((t.capabilities ?? []).includes("tools") && !entry.features?.includes("tools"))
      problems.push(
        `${where} declares tools but ${entry.name} (template ${entry.chatTemplate}) lists no tools in models/catalog.yaml features`,
      );
    if (ctxSize > entry.contextLength)
      problems.push(
        `${rt} runs --ctx-size ${ctxSize}, beyond ${entry.name}'s context ${entry.contextLength}`,
      );
    const uri = w.downloadArgs?.[1];
    const sha = w.downloadArgs ? argValue(w.downloadArgs, "--sha256") : undefined;
    if (w.downloadArgs && uri !== entry.uri)
      problems.push(`${rt} downloads ${uri}, not ${entry.name}'s ${entry.uri}`);
    if (w.downloadArgs && entry.sha256 && sha !== entry.sha256)
      problems.push(`${rt} checks sha256 ${sha}, not ${entry.name}'s ${entry.sha256}`);
  }
}

export const modelAgreement: DeployCheck = {
  name: "model-agreement",
  description:
    "every model name and context length the router advertises for a pool is what its runtime serves",
  run(m, ctx) {
    const targets = m.routerConfig?.clusters ?? [];
    if (targets.length === 0) return skip("no cluster targets in the router config");
    const problems: string[] = [];
    for (const t of targets) {
      // The global stack's targets live in the cloud stacks it references.
      const cluster =
        m.program === "global"
          ? m.peers.find((p) => (p.routerConfig?.clusters ?? []).some((x) => x.name === t.name))
          : m;
      if (!cluster) {
        problems.push(`target ${t.name}: no referenced stack produces it`);
        continue;
      }
      checkTarget(t, cluster, ctx, problems);
    }
    return verdict(problems, `${targets.length} target(s) agree with their runtimes and the catalog`);
  },
};
