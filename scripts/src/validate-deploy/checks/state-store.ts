/**
 * state-store: a router that may run more than one replica shares its state (rate limits,
 * budgets, pending demand for KEDA) through a state store: `state.redis.url` in the config it
 * reads, and when that names an environment variable (`${REDIS_URL}`), the pods set it.
 */
import { parse as parseYaml } from "yaml";
import { asArray, asRecord, at, isRecord } from "../model/kube.js";
import type { ClusterObject, DeploymentModel } from "../model/types.js";
import { type DeployCheck, skip, verdict } from "./types.js";
import { envOf, routerWorkloads } from "./workloads.js";

/** Most replicas a Deployment can have: spec.replicas, or the max of an HPA / ScaledObject scaling it. */
export function maxReplicas(d: ClusterObject, objects: ClusterObject[]): number {
  const scalers = objects.filter(
    (o) =>
      o.namespace === d.namespace &&
      ((o.obj.kind === "HorizontalPodAutoscaler" &&
        at(o.obj, "spec.scaleTargetRef.name") === d.obj.metadata.name) ||
        (o.obj.kind === "ScaledObject" && at(o.obj, "spec.scaleTargetRef.name") === d.obj.metadata.name)),
  );
  const fromScalers = scalers.map((s) =>
    Number(at(s.obj, "spec.maxReplicas") ?? at(s.obj, "spec.maxReplicaCount") ?? 1),
  );
  return Math.max(Number(at(d.obj, "spec.replicas") ?? 1), ...fromScalers);
}

/** The router config a router Deployment mounts (its config Secret's router.yaml), else the model's. */
function mountedConfig(m: DeploymentModel, d: ClusterObject): Record<string, unknown> | undefined {
  const vols = asArray(at(d.obj, "spec.template.spec.volumes")).filter(isRecord);
  for (const v of vols) {
    const secret = asRecord(v.secret).secretName;
    const found = m.objects.find(
      (o) => o.obj.kind === "Secret" && o.obj.metadata.name === secret && o.namespace === d.namespace,
    );
    const data = { ...asRecord(found?.obj.stringData) };
    for (const [k, b64] of Object.entries(asRecord(found?.obj.data)))
      if (typeof b64 === "string") data[k] = Buffer.from(b64, "base64").toString("utf8");
    const text = Object.values(data).find(
      (t) => typeof t === "string" && /^(server|router|clusters):/m.test(t),
    );
    if (typeof text === "string") return asRecord(parseYaml(text));
  }
  return m.routerConfig as unknown as Record<string, unknown> | undefined;
}

export const stateStore: DeployCheck = {
  name: "state-store",
  description: "a router with replicas > 1 has a state store (Redis) configured",
  run(m) {
    const routers = routerWorkloads(m.objects);
    if (routers.length === 0)
      return m.program === "global"
        ? verdict(["the global stack deploys no router Deployment"], "")
        : skip(`no router runs in ${m.stack} (the global stack deploys it)`);
    const problems: string[] = [];
    for (const r of routers) {
      const where = `Deployment ${r.object.namespace}/${r.object.obj.metadata.name}`;
      const max = maxReplicas(r.object, m.objects);
      if (max <= 1) continue;
      // `state.redis` is a URL or `{ url, keyPrefix }` (stateConfigSection in @llm/contracts).
      const redis = at(mountedConfig(m, r.object), "state.redis");
      const url = typeof redis === "string" ? redis : asRecord(redis).url;
      if (typeof url !== "string" || url.trim() === "") {
        problems.push(`${where} runs up to ${max} replicas, but its router config has no state.redis`);
        continue;
      }
      for (const [, name] of url.matchAll(/\$\{([A-Z0-9_]+)\}/g))
        if (!envOf(r.container, name!))
          problems.push(`${where}: state.redis.url uses \${${name}}, which the pods do not set`);
    }
    return verdict(problems, `${routers.length} router(s) share state through Redis (or run one replica)`);
  },
};
