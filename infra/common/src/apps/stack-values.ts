import { type AuthMode, clusterTargetName, type ImageRef, type StackImages } from "@llm/contracts";
import * as pulumi from "@pulumi/pulumi";
import { type PlatformStackArgs, platformStackValues } from "../platform/platform-stack-values.js";
import type { Values } from "../platform/platform-values.js";
import { instanceCatalog, podsPerNode, runtimeRequests } from "../pools/instance-catalog.js";
import type { PoolRole } from "../pools/node-pool-spec.js";
import type { ResolvedPools } from "../pools/resolve.js";

/** Name of the Secret holding the cluster's HMAC key (key `hmac-secret`) in the apps namespace. */
export const CLUSTER_AUTH_SECRET = "llm-cluster-auth";
/** Key of the HMAC key inside {@link CLUSTER_AUTH_SECRET}. */
export const CLUSTER_AUTH_SECRET_KEY = "hmac-secret";
/** Secret (key `token`) holding the bearer token KEDA sends to the router's `/scaling/<target>`. */
export const SCALING_TOKEN_SECRET = "llm-router-scaling";
/** Key of the token inside {@link SCALING_TOKEN_SECRET}; KEDA's TriggerAuthentication parameter is `token`. */
export const SCALING_TOKEN_SECRET_KEY = "token";
/** Port the runtime listens on (charts/llm-runtime `runtime.port`); the exporter scrapes it. */
const RUNTIME_PORT = 8000;

/** The Applications / releases of one cluster that take stack values, by name. */
export type AppName = "platform" | "llm-runtime-cpu" | "llm-runtime-gpu" | "exporters";
export type AppValues = Partial<Record<AppName, Values>>;

export interface StackValuesArgs extends PlatformStackArgs {
  /** Cluster name exactly as the stack exports it (router target names embed it). */
  clusterName: string;
  /** How the router authenticates to the runtimes; only `hmac` mounts llm-cluster-auth. */
  authMode: AuthMode;
  /** Both pools, their outputs and the catalog models they serve. */
  pools: ResolvedPools;
  /** Host name of the exporter's Ingress (`exporter.<domain>`). */
  exporterHost: string;
  /** Public router URL KEDA polls (`<routerUrl>/scaling/<target>`); required with a GPU pool. */
  routerUrl?: string;
  /** The four images the charts run, pinned by digest. */
  images: pulumi.Input<StackImages>;
}

const hostOf = (url: string) => new URL(url).hostname;
const image = (ref: ImageRef) => ({ registry: ref.registry, repository: ref.repository, digest: ref.digest });

/** Most runtime pods a pool can hold: its node bound times what fits a node of its primary type. */
function maxRuntimePods(pools: ResolvedPools, role: PoolRole): number {
  const spec = pools.specs[role]!;
  const shape = instanceCatalog[spec.instanceTypes[0]!];
  return spec.maxNodes * (shape ? Math.max(1, podsPerNode(shape, runtimeRequests[role])) : 1);
}

/**
 * The values only this stack knows, per app, in the chart value keys of charts/llm-runtime,
 * charts/exporters and charts/platform: image digests, the model (name, URI, digest, context)
 * from the catalog entry the router advertises, auth mode, Ingress hosts, the KEDA router target
 * and URL, the exporter's cluster name, pools and prices, and the platform's cluster-specific
 * values. Helm mode passes each entry as the release's `values`; Argo CD mode patches it into the
 * child Application's `spec.source.helm.valuesObject` (rootAppPatches). Both modes call this.
 */
export function stackAppValues(args: StackValuesArgs): pulumi.Output<AppValues> {
  const { pools } = args;
  if (pools.specs.gpu && !args.routerUrl)
    throw new Error(
      "llm-platform:routerUrl: required while the GPU pool is enabled: KEDA wakes it from <routerUrl>/scaling/<target>",
    );
  const auth =
    args.authMode === "hmac"
      ? { mode: "hmac", existingSecret: CLUSTER_AUTH_SECRET, existingSecretKey: CLUSTER_AUTH_SECRET_KEY }
      : // mTLS is terminated in front of the runtime; the runtime itself then checks nothing.
        { mode: "none" };
  const runtime = (role: PoolRole, ref: ImageRef): Values => {
    const model = pools.models[role]!;
    const values: Values = {
      image: image(ref),
      model: { name: model.name, uri: model.uri, sha256: model.sha256, file: model.file },
      runtime: { ctxSize: model.contextLength },
      auth,
      ingress: { enabled: true, host: hostOf(pools.outputs[role]!.endpoint) },
    };
    const max = maxRuntimePods(pools, role);
    values.autoscaling =
      role === "gpu"
        ? {
            keda: {
              maxReplicaCount: max,
              router: {
                url: args.routerUrl,
                target: clusterTargetName(args.cloud, args.clusterName, "gpu"),
                tokenSecret: { name: SCALING_TOKEN_SECRET, key: SCALING_TOKEN_SECRET_KEY },
              },
            },
          }
        : { hpa: { maxReplicas: max } };
    return values;
  };
  const roles = (Object.keys(pools.specs) as PoolRole[]).filter((r) => pools.specs[r]);
  const exporters = (ref: ImageRef): Values => ({
    image: image(ref),
    exporter: { cluster: args.clusterName },
    // Every pool the router has a target for, priced like the router prices it.
    pools: roles.map((name) => ({
      name,
      price: { ...pools.outputs[name]!.pricePerHour },
      runtime: {
        podSelector: { "app.kubernetes.io/name": "llm-runtime", "llm.platform/pool": name },
        port: RUNTIME_PORT,
      },
    })),
    ingress: { enabled: true, host: args.exporterHost },
  });
  return pulumi.all([pulumi.output(args.images), platformStackValues(args)]).apply(([images, platform]) => {
    const out: AppValues = {
      platform,
      "llm-runtime-cpu": runtime("cpu", images.runtime),
      exporters: exporters(images.exporter),
    };
    if (pools.specs.gpu) out["llm-runtime-gpu"] = runtime("gpu", images.runtimeCuda);
    return out;
  });
}
