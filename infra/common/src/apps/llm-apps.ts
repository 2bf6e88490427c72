import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterCloud } from "../naming/naming.js";
import { chartPath, REPO_ROOT, valuesPath } from "./repo-paths.js";
import { type KubeObject, rootAppObjects, rootAppPatches } from "./root-app.js";
import {
  type AppName,
  type AppValues,
  CLUSTER_AUTH_SECRET,
  CLUSTER_AUTH_SECRET_KEY,
  SCALING_TOKEN_SECRET,
  SCALING_TOKEN_SECRET_KEY,
} from "./stack-values.js";

export interface LlmAppsArgs {
  /** Cloud of the cluster; picks `clusters/<cloud>/values/*.yaml` and `clusters/<cloud>/overlays`. */
  cloud: ClusterCloud;
  /** Provider pointing at the cluster. */
  provider: k8s.Provider;
  /** `helm`: Pulumi installs the charts from this checkout; `argocd`: Pulumi only creates the root Application. */
  deployMode: "helm" | "argocd";
  /** Namespace of the runtime and exporter releases. Defaults to `llm`. */
  namespace?: string;
  /** Stack values per app (stackAppValues): release values in helm mode, valuesObject patches in argocd mode. Defaults to none. */
  values?: pulumi.Input<AppValues>;
  /** Whether the cluster has a GPU pool (helm mode then installs the GPU runtime). Defaults to true. */
  gpuPool?: boolean;
  /** HMAC secret the runtimes verify router requests with; written to `llm-cluster-auth`. Absent: auth mode none, no Secret. */
  hmacSecret?: pulumi.Input<string>;
  /** Bearer token KEDA sends to the router's /scaling; written to `llm-router-scaling` (key `token`). Defaults to none. */
  scalingToken?: pulumi.Input<string>;
  /** Git repository Argo CD syncs (argocd mode, required there). */
  gitRepoUrl?: string;
  /** Git revision every Application follows (argocd mode). Defaults to `main`. */
  gitRevision?: string;
  /** Overlay the root app syncs: `clusters/<cloud>/overlays/<overlay>` (argocd mode). Defaults to `prod`. */
  overlay?: string;
  /** Repository root holding `charts/` and `clusters/`. Defaults to this checkout. */
  repoRoot?: string;
  /** Resources the apps wait for: every platform release whose CRDs or webhooks they use. Defaults to none. */
  dependsOn?: pulumi.Resource[];
}

/** Releases of helm mode: release name, chart, values file of `clusters/<cloud>/values`. */
const RELEASES: { name: AppName; chart: string }[] = [
  { name: "llm-runtime-cpu", chart: "llm-runtime" },
  { name: "llm-runtime-gpu", chart: "llm-runtime" },
  { name: "exporters", chart: "exporters" },
];

/**
 * This repository's apps on one cluster: the llm-runtime chart once per pool and the exporters
 * chart, with the per-cloud values files the Argo CD app-of-apps reads too and the stack values
 * over them, so both deploy modes render the same manifests. In `argocd` mode only the AppProject
 * and the root Application are created (with the stack values as inline kustomize patches) and
 * Argo CD does the rest from git. The Secrets the charts reference are written in both modes.
 */
export class LlmApps extends pulumi.ComponentResource {
  /** Helm releases by name (helm mode). */
  readonly releases: Record<string, k8s.helm.v3.Release> = {};
  /** The root app-of-apps objects (argocd mode): AppProject and Application. */
  readonly rootApp: k8s.apiextensions.CustomResource[] = [];
  /** Namespace of the apps. */
  readonly namespace: string;

  constructor(name: string, args: LlmAppsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:common:LlmApps", name, {}, opts);
    this.namespace = args.namespace ?? "llm";
    const root = args.repoRoot ?? REPO_ROOT;
    const base = { parent: this, provider: args.provider };
    const values = pulumi.output(args.values ?? {});

    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: this.namespace } },
      { ...base, dependsOn: args.dependsOn },
    );
    const secrets: pulumi.Resource[] = [];
    const secret = (suffix: string, secretName: string, key: string, value: pulumi.Input<string>) =>
      secrets.push(
        new k8s.core.v1.Secret(
          `${name}-${suffix}`,
          {
            metadata: { name: secretName, namespace: this.namespace },
            type: "Opaque",
            stringData: { [key]: pulumi.secret(value) },
          },
          { ...base, dependsOn: [ns] },
        ),
      );
    // The charts mount these Secrets; the values never appear in values files or Helm history.
    if (args.hmacSecret !== undefined)
      secret("auth", CLUSTER_AUTH_SECRET, CLUSTER_AUTH_SECRET_KEY, args.hmacSecret);
    if (args.scalingToken !== undefined)
      secret("scaling", SCALING_TOKEN_SECRET, SCALING_TOKEN_SECRET_KEY, args.scalingToken);
    const deps: pulumi.Resource[] = [ns, ...secrets, ...(args.dependsOn ?? [])];

    if (args.deployMode === "helm") {
      for (const r of RELEASES) {
        // A cluster without a GPU pool gets no GPU release.
        if (r.name === "llm-runtime-gpu" && args.gpuPool === false) continue;
        this.releases[r.name] = new k8s.helm.v3.Release(
          `${name}-${r.name}`,
          {
            name: r.name,
            // Local chart path: the chart is read at deploy time, never at construction.
            chart: chartPath(r.chart, root),
            namespace: this.namespace,
            valueYamlFiles: [
              new pulumi.asset.FileAsset(
                valuesPath(args.cloud, r.name as Parameters<typeof valuesPath>[1], root),
              ),
            ],
            // Without an HMAC secret the runtimes must not reference llm-cluster-auth (a pod
            // referencing a missing Secret never starts): auth mode none, whatever the values say.
            values: values.apply((v) =>
              args.hmacSecret === undefined && r.chart === "llm-runtime"
                ? { ...(v[r.name] ?? {}), auth: { mode: "none" } }
                : (v[r.name] ?? {}),
            ),
            // A GPU release must not block `pulumi up` for the minutes a spot node takes to appear.
            skipAwait: r.name === "llm-runtime-gpu",
            timeout: 900,
          },
          { ...base, dependsOn: deps },
        );
      }
    } else {
      if (!args.gitRepoUrl)
        throw new Error(
          "llm-platform:gitRepoUrl: required in argocd mode (the fork Argo CD syncs clusters/ from)",
        );
      const gitRevision = args.gitRevision ?? "main";
      const patches = values.apply((v) =>
        rootAppPatches({
          gitRepoUrl: args.gitRepoUrl!,
          gitRevision,
          appsNamespace: this.namespace,
          values: v,
          gpuPool: "llm-runtime-gpu" in v,
        }),
      );
      const objects = rootAppObjects({
        cloud: args.cloud,
        gitRepoUrl: args.gitRepoUrl,
        gitRevision,
        overlay: args.overlay ?? "prod",
        appsNamespace: this.namespace,
      });
      let previous: pulumi.Resource[] = deps;
      for (const obj of objects) {
        const { apiVersion, kind, ...rest } = obj;
        const body: Record<string, unknown> = rest;
        if (kind === "Application") body.spec = withPatches(obj, patches);
        const cr = new k8s.apiextensions.CustomResource(
          `${name}-${kind.toLowerCase()}-${obj.metadata.name}`,
          { apiVersion, kind, ...body },
          // In file order: the AppProject must exist before an Application may use it.
          { ...base, dependsOn: previous },
        );
        this.rootApp.push(cr);
        previous = [...deps, cr];
      }
    }

    this.registerOutputs({ namespace: this.namespace });
  }
}

/** The root Application's spec with the stack's kustomize patches on its source. */
function withPatches(
  app: KubeObject,
  patches: pulumi.Output<unknown[]>,
): pulumi.Output<Record<string, unknown>> {
  return patches.apply((p) => {
    const spec = JSON.parse(JSON.stringify(app.spec)) as Record<string, unknown>;
    if (p.length > 0) (spec.source as Record<string, unknown>).kustomize = { patches: p };
    return spec;
  });
}
