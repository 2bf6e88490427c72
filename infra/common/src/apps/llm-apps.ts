import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterCloud } from "../naming/naming.js";
import { chartPath, REPO_ROOT, valuesPath } from "./repo-paths.js";
import { loadRootApp } from "./root-app.js";

/** Name of the Secret holding the cluster's HMAC key (key `hmac-secret`) in the apps namespace. */
export const CLUSTER_AUTH_SECRET = "llm-cluster-auth";

export interface LlmAppsArgs {
  /** Cloud of the cluster; picks `clusters/<cloud>/values/*.yaml` and `clusters/<cloud>`. */
  cloud: ClusterCloud;
  /** Provider pointing at the cluster. */
  provider: k8s.Provider;
  /** `helm`: Pulumi installs the charts from this checkout; `argocd`: Pulumi only creates the root Application. */
  deployMode: "helm" | "argocd";
  /** Namespace of the runtime and exporter releases. Defaults to `llm`. */
  namespace?: string;
  /** HMAC secret the runtimes verify router requests with; written to the `llm-cluster-auth` Secret. */
  hmacSecret?: pulumi.Input<string>;
  /** Git repository of the root app (argocd mode). Defaults to the one in `clusters/<cloud>/root-app.yaml`. */
  gitRepoUrl?: string;
  /** Git revision of the root app (argocd mode). Defaults to the one in root-app.yaml, else `main`. */
  gitRevision?: string;
  /** Path of the app-of-apps when root-app.yaml is absent. Defaults to `clusters/<cloud>`. */
  gitPath?: string;
  /** Repository root holding `charts/` and `clusters/`. Defaults to this checkout. */
  repoRoot?: string;
  /** Resources the apps wait for (the platform: CRDs, ingress, Argo CD). Defaults to none. */
  dependsOn?: pulumi.Resource[];
}

/**
 * This repository's apps on one cluster: the llm-runtime chart twice (cpu and gpu pool) and the
 * exporters chart, with the per-cloud values files the Argo CD app-of-apps reads too, so both
 * deploy modes render the same manifests. In `argocd` mode only the root Application is created
 * and Argo CD does the rest from git.
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

    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: this.namespace } },
      { ...base, dependsOn: args.dependsOn },
    );
    const deps: pulumi.Resource[] = [ns, ...(args.dependsOn ?? [])];
    if (args.hmacSecret !== undefined) {
      // The charts mount this Secret; the key never appears in values files or Helm history.
      deps.push(
        new k8s.core.v1.Secret(
          `${name}-auth`,
          {
            metadata: { name: CLUSTER_AUTH_SECRET, namespace: this.namespace },
            type: "Opaque",
            stringData: { "hmac-secret": pulumi.secret(args.hmacSecret) },
          },
          { ...base, dependsOn: [ns] },
        ),
      );
    }

    if (args.deployMode === "helm") {
      const release = (releaseName: string, chart: string, valuesFile: Parameters<typeof valuesPath>[1]) => {
        this.releases[releaseName] = new k8s.helm.v3.Release(
          `${name}-${releaseName}`,
          {
            name: releaseName,
            // Local chart path: the chart is read at deploy time, never at construction.
            chart: chartPath(chart, root),
            namespace: this.namespace,
            valueYamlFiles: [new pulumi.asset.FileAsset(valuesPath(args.cloud, valuesFile, root))],
            // Without an HMAC secret (authMode none) the runtimes must not wait for llm-cluster-auth.
            values:
              args.hmacSecret === undefined && releaseName !== "exporters" ? { auth: { mode: "none" } } : {},
            // A GPU release must not block `pulumi up` for the minutes a spot node takes to appear.
            skipAwait: releaseName === "llm-runtime-gpu",
            timeout: 900,
          },
          { ...base, dependsOn: deps },
        );
      };
      release("llm-runtime-cpu", "llm-runtime", "llm-runtime-cpu");
      release("llm-runtime-gpu", "llm-runtime", "llm-runtime-gpu");
      release("exporters", "exporters", "exporters");
    } else {
      // Prefer the checked-in bootstrap (clusters/<cloud>/root-app.yaml) so Pulumi applies
      // exactly what `kubectl apply -f` would; fall back to a minimal root app without it.
      const objects = loadRootApp(root, args.cloud, {
        gitRepoUrl: args.gitRepoUrl,
        gitRevision: args.gitRevision,
      }) ?? [
        {
          apiVersion: "argoproj.io/v1alpha1",
          kind: "Application",
          metadata: {
            name: `llm-${args.cloud}-root`,
            namespace: "argocd",
            finalizers: ["resources-finalizer.argocd.argoproj.io"],
          },
          spec: {
            project: "default",
            source: {
              repoURL: args.gitRepoUrl ?? "https://github.com/example-org/llm-multicloud.git",
              targetRevision: args.gitRevision ?? "main",
              path: args.gitPath ?? `clusters/${args.cloud}`,
            },
            destination: { server: "https://kubernetes.default.svc", namespace: "argocd" },
            syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["CreateNamespace=true"] },
          },
        },
      ];
      let previous: pulumi.Resource[] = deps;
      for (const obj of objects) {
        const { apiVersion, kind, ...rest } = obj;
        const cr = new k8s.apiextensions.CustomResource(
          `${name}-${kind.toLowerCase()}-${obj.metadata.name}`,
          { apiVersion, kind, ...rest },
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
