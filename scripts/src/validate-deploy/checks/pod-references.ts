/**
 * pod-references: every Secret, ConfigMap and ServiceAccount a pod references (and every Secret
 * a KEDA TriggerAuthentication reads) exists in the same namespace in that mode. Checked for
 * the stack as configured and with authMode flipped, since the charts must follow that key.
 */
import { asArray, asRecord, at, containersOf, isRecord, podSpecOf } from "../model/kube.js";
import type { ClusterObject, DeploymentModel } from "../model/types.js";
import { type DeployCheck, verdict } from "./types.js";

interface Ref {
  kind: "Secret" | "ConfigMap" | "ServiceAccount";
  name: string;
  via: string;
}

function podRefs(pod: Record<string, unknown>): Ref[] {
  const refs: Ref[] = [];
  const add = (kind: Ref["kind"], name: unknown, via: string, optional: unknown = false) => {
    if (typeof name === "string" && name && optional !== true) refs.push({ kind, name, via });
  };
  const sa = pod.serviceAccountName ?? pod.serviceAccount;
  if (sa !== undefined && sa !== "default") add("ServiceAccount", sa, "serviceAccountName");
  for (const s of asArray(pod.imagePullSecrets)) add("Secret", asRecord(s).name, "imagePullSecrets");
  for (const v of asArray(pod.volumes).filter(isRecord)) {
    const vol = `volume ${String(v.name)}`;
    add("Secret", asRecord(v.secret).secretName, vol, asRecord(v.secret).optional);
    add("ConfigMap", asRecord(v.configMap).name, vol, asRecord(v.configMap).optional);
    for (const src of asArray(asRecord(v.projected).sources).filter(isRecord)) {
      add("Secret", asRecord(src.secret).name, vol, asRecord(src.secret).optional);
      add("ConfigMap", asRecord(src.configMap).name, vol, asRecord(src.configMap).optional);
    }
  }
  for (const c of containersOf(pod)) {
    const cn = `container ${String(c.name)}`;
    for (const e of asArray(c.env).filter(isRecord)) {
      const from = asRecord(e.valueFrom);
      const s = asRecord(from.secretKeyRef);
      const cm = asRecord(from.configMapKeyRef);
      add("Secret", s.name, `${cn} env ${String(e.name)}`, s.optional);
      add("ConfigMap", cm.name, `${cn} env ${String(e.name)}`, cm.optional);
    }
    for (const e of asArray(c.envFrom).filter(isRecord)) {
      add("Secret", asRecord(e.secretRef).name, `${cn} envFrom`, asRecord(e.secretRef).optional);
      add("ConfigMap", asRecord(e.configMapRef).name, `${cn} envFrom`, asRecord(e.configMapRef).optional);
    }
  }
  return refs;
}

/** Secrets that something in the mode will create besides Secret objects (cert-manager Certificates). */
function producedSecrets(objects: ClusterObject[]): string[] {
  return objects
    .filter((o) => o.obj.kind === "Certificate")
    .map((o) => `${o.namespace}/${String(at(o.obj, "spec.secretName"))}`);
}

export function missingReferences(m: DeploymentModel): { problems: string[]; count: number } {
  const exists = new Set(m.objects.map((o) => `${o.obj.kind}:${o.namespace}/${o.obj.metadata.name}`));
  for (const s of producedSecrets(m.objects)) exists.add(`Secret:${s}`);
  const problems: string[] = [];
  let count = 0;
  const need = (o: ClusterObject, r: Ref) => {
    count++;
    if (!exists.has(`${r.kind}:${o.namespace}/${r.name}`))
      problems.push(
        `${o.obj.kind} ${o.namespace}/${o.obj.metadata.name} (${o.origin.via} ${o.origin.name}) ${r.via} references ${r.kind} ${r.name}, which this mode does not create in ${o.namespace}`,
      );
  };
  for (const o of m.objects) {
    const pod = podSpecOf(o.obj);
    if (pod) for (const r of podRefs(pod)) need(o, r);
    if (o.obj.kind === "TriggerAuthentication")
      for (const t of asArray(at(o.obj, "spec.secretTargetRef")).filter(isRecord))
        need(o, { kind: "Secret", name: String(t.name), via: "secretTargetRef" });
  }
  return { problems, count };
}

export const podReferences: DeployCheck = {
  name: "pod-references",
  description: "every Secret, ConfigMap and ServiceAccount a pod references exists in its namespace",
  run(m) {
    const own = missingReferences(m);
    const problems = [...own.problems];
    for (const v of m.variants) {
      const auth = String(v.config["llm-platform:authMode"]);
      problems.push(...missingReferences(v).problems.map((p) => `with authMode=${auth}: ${p}`));
    }
    const variants = m.variants.map((v) => `authMode=${String(v.config["llm-platform:authMode"])}`);
    return verdict(
      problems,
      `${own.count} reference(s) resolve${variants.length ? ` (also with ${variants.join(", ")})` : ""}`,
    );
  },
};
