/**
 * keda-router-target: the scale-to-zero path agrees with the router. Every ScaledObject reads
 * a target the router config built from the stack has, at the router's public URL and with a
 * TriggerAuthentication (KEDA's metrics-api scaler sends a bearer token, it cannot sign HMAC);
 * every scale-to-zero target is read by one; the exporter reports the stack's cluster name for
 * every pool the router targets, and the router config tells the router where the exporter is.
 */
import { hostOf, ofKind } from "../model/kube.js";
import type { ClusterObject, DeploymentModel } from "../model/types.js";
import { type CheckContext, type DeployCheck, skip, verdict } from "./types.js";
import { exporterConfigs, routerTriggers, scaledPool } from "./workloads.js";

const internal = (url: string) => /\.svc(\.cluster\.local)?(:\d+)?(\/|$)/.test(url) || /localhost/.test(url);

function clusterChecks(m: DeploymentModel, routerUrl: string | undefined, problems: string[]): string {
  const targets = m.routerConfig?.clusters ?? [];
  const names = new Set(targets.map((t) => t.name));
  const triggers = routerTriggers(m.objects);
  for (const t of triggers) {
    const where = `ScaledObject ${t.object.namespace}/${t.object.obj.metadata.name}`;
    if (!names.has(t.target))
      problems.push(
        `${where} reads router target ${t.target}, not in the router config (${[...names].join(", ")})`,
      );
    const target = targets.find((x) => x.name === t.target);
    const pool = scaledPool(t.object, m.objects);
    if (target && pool && target.pool !== pool)
      problems.push(`${where} scales the ${pool} pool but reads target ${t.target} of pool ${target.pool}`);
    if (internal(t.url))
      problems.push(
        `${where} reads ${t.url}: an in-cluster name, but the router runs in the global stack's cluster`,
      );
    else if (routerUrl && !t.url.startsWith(`${routerUrl.replace(/\/+$/, "")}/`))
      problems.push(`${where} reads ${t.url}, not the router at ${routerUrl}`);
    if (!t.authenticationRef)
      problems.push(
        `${where} reads ${t.url} without a TriggerAuthentication (the router's /scaling needs a bearer token)`,
      );
    else if (
      !ofKind(m.objects, "TriggerAuthentication").some(
        (a) => a.obj.metadata.name === t.authenticationRef && a.namespace === t.object.namespace,
      )
    )
      problems.push(
        `${where} names TriggerAuthentication ${t.authenticationRef}, which this mode does not create`,
      );
  }
  for (const t of targets.filter((x) => x.scaleToZero))
    if (!triggers.some((x) => x.target === t.name))
      problems.push(`no ScaledObject reads router target ${t.name}, so nothing wakes that pool from zero`);

  const clusterName = String(m.outputs.clusterName ?? "");
  const exporters = exporterConfigs(m.objects);
  if (targets.length && exporters.length === 0) problems.push("no exporter config is deployed in this mode");
  for (const e of exporters) {
    const where = `exporter ConfigMap ${e.object.namespace}/${e.object.obj.metadata.name}`;
    if (e.cluster !== clusterName)
      problems.push(`${where} reports cluster ${e.cluster}, but the stack's cluster is ${clusterName}`);
    for (const p of e.pools) {
      const expected = `${m.outputs.cloud}-${e.cluster}-${p}`;
      if (!names.has(expected))
        problems.push(`${where}: pool ${p} labels series for ${expected}, not a router target`);
    }
  }
  for (const t of targets) {
    if (exporters.length && !exporters.some((e) => e.pools.includes(t.pool ?? "")))
      problems.push(`router target ${t.name}: no exporter pool ${t.pool}`);
    if (!t.exporterEndpoint)
      problems.push(
        `router target ${t.name} has no exporterEndpoint, so the router never reads the exporter`,
      );
    else if (!exporterIngress(m.objects, t.exporterEndpoint))
      problems.push(`router target ${t.name}: no Ingress serves its exporterEndpoint ${t.exporterEndpoint}`);
  }
  return `${triggers.length} ScaledObject trigger(s), ${exporters.length} exporter(s), ${targets.length} target(s)`;
}

/** An Ingress of the cluster whose rule matches the exporter endpoint's host and path. */
function exporterIngress(objects: ClusterObject[], endpoint: string): boolean {
  const host = hostOf(endpoint);
  const path = (() => {
    try {
      return new URL(endpoint).pathname;
    } catch {
      return "/";
    }
  })();
  return ofKind(objects, "Ingress").some((i) =>
    (
      (i.obj.spec as { rules?: { host?: string; http?: { paths?: { path?: string }[] } }[] })?.rules ?? []
    ).some((r) => r.host === host && (r.http?.paths ?? []).some((p) => path.startsWith(p.path ?? "/"))),
  );
}

export const kedaRouterTarget: DeployCheck = {
  name: "keda-router-target",
  description: "every KEDA router target and exporter cluster label exists in the router config of the stack",
  run(m: DeploymentModel, ctx: CheckContext) {
    const problems: string[] = [];
    if (m.program === "global") {
      const names = new Set((m.routerConfig?.clusters ?? []).map((t) => t.name));
      const routerUrl = String(m.outputs.routerUrl ?? "");
      let n = 0;
      for (const peer of m.peers)
        for (const t of routerTriggers(peer.objects)) {
          n++;
          if (!names.has(t.target))
            problems.push(`${peer.stack}: KEDA reads target ${t.target}, not in the deployed router config`);
          if (routerUrl && !t.url.startsWith(`${routerUrl}/`))
            problems.push(`${peer.stack}: KEDA reads ${t.url}, not this router (${routerUrl})`);
        }
      if (m.peers.length === 0) return skip("the global stack references no cloud stack");
      return verdict(
        problems,
        `${n} KEDA trigger(s) across ${m.peers.length} stack(s) name deployed targets`,
      );
    }
    const global = ctx.world.find((w) => w.program === "global");
    const configured = m.config["llm-platform:routerUrl"];
    const routerUrl =
      typeof configured === "string" ? configured : (global?.outputs.routerUrl as string | undefined);
    const summary = clusterChecks(m, routerUrl, problems);
    return verdict(problems, summary);
  },
};
