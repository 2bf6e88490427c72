/**
 * Finders for the workloads several checks look at: the runtime pods (per pool), the router,
 * the exporter's config. They key on what the charts render (container arguments, labels),
 * not on release names, so they work the same in helm and Argo CD mode.
 */
import { parse } from "yaml";
import { asArray, asRecord, at, containersOf, isRecord, podSpecOf } from "../model/kube.js";
import type { ClusterObject } from "../model/types.js";

/** The value after `--flag` (or of `--flag=value`) in an argument list. */
export function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${flag}=`));
  return eq?.slice(flag.length + 1);
}

const strings = (v: unknown): string[] => asArray(v).map(String);

/** An env var of a container: its literal value, or `valueFrom` when it comes from a ref. */
export function envOf(
  container: Record<string, unknown>,
  name: string,
): { value?: string; valueFrom?: unknown } | undefined {
  const e = asArray(container.env).find((x) => isRecord(x) && x.name === name) as
    | Record<string, unknown>
    | undefined;
  if (!e) return undefined;
  return { value: typeof e.value === "string" ? e.value : undefined, valueFrom: e.valueFrom };
}

export interface RuntimeWorkload {
  object: ClusterObject;
  /** `llm.platform/pool` label of the pods. */
  pool: string | undefined;
  container: Record<string, unknown>;
  /** The `serve` arguments. */
  args: string[];
  /** The model-download init container's arguments (`download <uri> --sha256 <hex> --out <file>`). */
  downloadArgs?: string[];
}

/** The arguments from a subcommand on (`serve ...`), whether the chart puts it in command or args. */
function subcommand(c: Record<string, unknown>, name: string): string[] | undefined {
  const argv = [...strings(c.command), ...strings(c.args)];
  const i = argv.indexOf(name);
  return i >= 0 ? argv.slice(i) : undefined;
}

/** Runtime Deployments: a container started with `serve ... --model`. */
export function runtimeWorkloads(objects: ClusterObject[]): RuntimeWorkload[] {
  const out: RuntimeWorkload[] = [];
  for (const o of objects) {
    const pod = podSpecOf(o.obj);
    if (!pod) continue;
    const containers = asArray(pod.containers).filter(isRecord);
    const container = containers.find((c) => subcommand(c, "serve")?.includes("--model"));
    if (!container) continue;
    const init = asArray(pod.initContainers)
      .filter(isRecord)
      .find((c) => subcommand(c, "download") !== undefined);
    const labels = asRecord(at(o.obj, "spec.template.metadata.labels"));
    out.push({
      object: o,
      pool: typeof labels["llm.platform/pool"] === "string" ? labels["llm.platform/pool"] : undefined,
      container,
      args: subcommand(container, "serve")!,
      downloadArgs: init ? subcommand(init, "download") : undefined,
    });
  }
  return out;
}

/** The model name a runtime serves: `--model-name`, else `--model` when it is a catalog name. */
export function servedModel(w: RuntimeWorkload): string | undefined {
  const name = argValue(w.args, "--model-name") ?? envOf(w.container, "RUNTIME_MODEL_NAME")?.value;
  if (name) return name;
  const model = argValue(w.args, "--model");
  return model && !model.includes("/") ? model : undefined;
}

export interface RouterWorkload {
  object: ClusterObject;
  container: Record<string, unknown>;
}

/** Router Deployments: a container whose image is the router's, or started with `--config` from the router chart. */
export function routerWorkloads(objects: ClusterObject[]): RouterWorkload[] {
  const out: RouterWorkload[] = [];
  for (const o of objects) {
    if (o.obj.kind !== "Deployment") continue;
    const pod = podSpecOf(o.obj);
    const labels = asRecord(at(o.obj, "spec.template.metadata.labels"));
    const container = containersOf(pod ?? {}).find(
      (c) =>
        /llm-router/.test(String(c.image ?? "")) ||
        (labels["app.kubernetes.io/name"] === "router" && c.name === "router"),
    );
    if (container) out.push({ object: o, container });
  }
  return out;
}

export interface ExporterConfig {
  object: ClusterObject;
  cluster: string;
  pools: string[];
}

/** The exporter's config.yaml (a ConfigMap with `cluster` and `pools`). */
export function exporterConfigs(objects: ClusterObject[]): ExporterConfig[] {
  const out: ExporterConfig[] = [];
  for (const o of objects) {
    if (o.obj.kind !== "ConfigMap") continue;
    for (const text of Object.values(asRecord(o.obj.data))) {
      if (typeof text !== "string" || !/^cluster:/m.test(text) || !/^pools:/m.test(text)) continue;
      const cfg = asRecord(parse(text));
      if (typeof cfg.cluster !== "string" || !Array.isArray(cfg.pools)) continue;
      out.push({
        object: o,
        cluster: cfg.cluster,
        pools: cfg.pools.filter(isRecord).map((p) => String(p.name)),
      });
    }
  }
  return out;
}

/** The router-demand triggers of KEDA ScaledObjects: `metrics-api` reading `<router>/scaling/<target>`. */
export interface RouterTrigger {
  object: ClusterObject;
  url: string;
  target: string;
  authenticationRef?: string;
}

export function routerTriggers(objects: ClusterObject[]): RouterTrigger[] {
  const out: RouterTrigger[] = [];
  for (const o of objects) {
    if (o.obj.kind !== "ScaledObject") continue;
    for (const t of asArray(at(o.obj, "spec.triggers")).filter(isRecord)) {
      const url = String(asRecord(t.metadata).url ?? "");
      const m = /\/scaling\/([^/?#]+)/.exec(url);
      if (t.type !== "metrics-api" || !m) continue;
      const ref = asRecord(t.authenticationRef).name;
      out.push({
        object: o,
        url,
        target: decodeURIComponent(m[1]!),
        authenticationRef: typeof ref === "string" ? ref : undefined,
      });
    }
  }
  return out;
}

/** Pod label `llm.platform/pool` of the Deployment a ScaledObject scales. */
export function scaledPool(so: ClusterObject, objects: ClusterObject[]): string | undefined {
  const name = at(so.obj, "spec.scaleTargetRef.name");
  const target = objects.find(
    (o) => o.obj.kind === "Deployment" && o.obj.metadata.name === name && o.namespace === so.namespace,
  );
  const pool = at(target?.obj, "spec.template.metadata.labels")
    ? asRecord(at(target!.obj, "spec.template.metadata.labels"))["llm.platform/pool"]
    : undefined;
  return typeof pool === "string" ? pool : undefined;
}
