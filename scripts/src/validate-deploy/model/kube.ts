/** Small readers over Kubernetes objects shared by the renderers and the checks. */
import type { ClusterObject, KubeObject } from "./types.js";

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads a dotted path (`spec.template.spec`); undefined when absent. */
export function at(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of path.split(".")) {
    if (!isRecord(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asRecord = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});

/** Kinds that are not namespaced (the ones our charts and the platform create). */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "StorageClass",
  "PriorityClass",
  "IngressClass",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "APIService",
  "ClusterIssuer",
  "ClusterTriggerAuthentication",
  "ClusterSecretStore",
]);

export const isClusterScoped = (kind: string): boolean => CLUSTER_SCOPED.has(kind);

/** The namespace an object lands in: its own, else the release/app default; "" when cluster-scoped. */
export function effectiveNamespace(obj: KubeObject, fallback: string): string {
  if (isClusterScoped(obj.kind)) return "";
  return obj.metadata.namespace ?? fallback;
}

/** API group of an apiVersion (`keda.sh/v1alpha1` -> `keda.sh`; `v1` -> ""). */
export const apiGroup = (apiVersion: string): string =>
  apiVersion.includes("/") ? apiVersion.split("/")[0]! : "";

/** Groups served by Kubernetes itself (no CRD needed). */
const BUILTIN_GROUPS = new Set([
  "",
  "apps",
  "batch",
  "autoscaling",
  "policy",
  "networking.k8s.io",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "scheduling.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "node.k8s.io",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "certificates.k8s.io",
  "events.k8s.io",
  "flowcontrol.apiserver.k8s.io",
]);

/** Whether an object is a custom resource (its kind comes from a CRD). */
export const isCustomResource = (obj: KubeObject): boolean => !BUILTIN_GROUPS.has(apiGroup(obj.apiVersion));

/** `Kind ns/name` for messages. */
export function describe(o: ClusterObject): string {
  return `${o.obj.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.obj.metadata.name}`;
}

/** Where an object came from, for messages (`release llm-runtime-gpu`, `app exporters`). */
export function originOf(o: ClusterObject): string {
  return `${o.origin.via === "pulumi" ? "pulumi" : o.origin.via} ${o.origin.name}`;
}

/** A pod template inside a workload object (Deployment, DaemonSet, Job, CronJob, Pod...). */
export function podSpecOf(obj: KubeObject): Record<string, unknown> | undefined {
  if (obj.kind === "Pod") return asRecord(obj.spec);
  if (obj.kind === "CronJob") return asRecord(at(obj, "spec.jobTemplate.spec.template.spec"));
  const tpl = at(obj, "spec.template.spec");
  return isRecord(tpl) && ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(obj.kind)
    ? tpl
    : undefined;
}

/** Every container (init and regular) of a pod spec. */
export function containersOf(pod: Record<string, unknown>): Record<string, unknown>[] {
  return [
    ...asArray(pod.initContainers),
    ...asArray(pod.containers),
    ...asArray(pod.ephemeralContainers),
  ].filter(isRecord);
}

/** Objects of a kind. */
export const ofKind = (objects: ClusterObject[], kind: string): ClusterObject[] =>
  objects.filter((o) => o.obj.kind === kind);

/** Every string inside a value (deep). */
export function stringsIn(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsIn(x, out);
  else if (isRecord(v)) for (const x of Object.values(v)) stringsIn(x, out);
  return out;
}

/** Host of a URL, or undefined when it is not one. */
export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}
