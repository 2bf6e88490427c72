import { stringify } from "yaml";
import type { ClusterCloud } from "../naming/naming.js";
import { platformCharts } from "../platform/charts.js";
import type { AppName, AppValues } from "./stack-values.js";

/** A Kubernetes object as plain data. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  spec?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface RootAppArgs {
  cloud: ClusterCloud;
  /** Repository Argo CD syncs from (the AppProject admits it). */
  gitRepoUrl: string;
  /** Revision every Application of the cluster follows. */
  gitRevision: string;
  /** Overlay the root app syncs: `clusters/<cloud>/overlays/<overlay>`. */
  overlay: string;
  /** Namespace of the runtimes and the exporter (an AppProject destination). */
  appsNamespace: string;
  /** Inline patches of the child Applications (stack values); none in the checked-in file. */
  patches?: KustomizePatch[];
}

/** What the checked-in `clusters/<cloud>/root-app.yaml` files are generated with. */
export const ROOT_APP_DEFAULTS = {
  gitRepoUrl: "https://github.com/your-org/llm-multicloud.git",
  gitRevision: "main",
  overlay: "prod",
  appsNamespace: "llm",
} as const;

/** Name of the AppProject every Application of the platform belongs to. */
export const APP_PROJECT = "llm-platform";

/**
 * Sync retries of the root app: 30 s doubling to 10 min, 10 tries, about 65 minutes in all, longer
 * than a fresh cluster takes to install the CRDs its children's custom resources need.
 */
export const ROOT_APP_RETRY = { limit: 10, backoff: { duration: "30s", factor: 2, maxDuration: "10m" } };

/**
 * The two objects that bootstrap Argo CD on a cluster: the AppProject (this repository and the
 * platform's pinned chart repositories; this cluster and the namespaces the platform and apps use)
 * and the root Application syncing `clusters/<cloud>/overlays/<overlay>`. Pulumi applies them in
 * argocd mode with the stack's patches; `clusters/<cloud>/root-app.yaml` is this function's output
 * with {@link ROOT_APP_DEFAULTS} (infra/common/bin/write-root-apps.ts writes it, a test checks it).
 */
export function rootAppObjects(args: RootAppArgs): KubeObject[] {
  const upstream = Object.entries(platformCharts)
    .filter(([k]) => k !== "argoCd")
    .map(([, c]) => c);
  const sourceRepos = [...new Set([args.gitRepoUrl, ...upstream.map((c) => c.repo)])];
  const namespaces = [...new Set(["argocd", args.appsNamespace, ...upstream.map((c) => c.namespace)])];
  const server = "https://kubernetes.default.svc";
  const project: KubeObject = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: {
      name: APP_PROJECT,
      namespace: "argocd",
      finalizers: ["resources-finalizer.argocd.argoproj.io"],
    },
    spec: {
      description: `LLM inference platform on ${args.cloud} (reviewed scope; nothing runs in the default project)`,
      sourceRepos,
      destinations: namespaces.map((namespace) => ({ server, namespace })),
      // Cluster-scoped kinds the platform charts need; anything else cluster-wide is refused.
      clusterResourceWhitelist: [
        ["", "Namespace"],
        ["apiextensions.k8s.io", "CustomResourceDefinition"],
        ["rbac.authorization.k8s.io", "ClusterRole"],
        ["rbac.authorization.k8s.io", "ClusterRoleBinding"],
        ["admissionregistration.k8s.io", "ValidatingWebhookConfiguration"],
        ["admissionregistration.k8s.io", "MutatingWebhookConfiguration"],
        ["apiregistration.k8s.io", "APIService"],
        ["networking.k8s.io", "IngressClass"],
        ["scheduling.k8s.io", "PriorityClass"],
        ["cert-manager.io", "ClusterIssuer"],
        ["keda.sh", "ClusterTriggerAuthentication"],
      ].map(([group, kind]) => ({ group, kind })),
      // Quotas and limits are the cluster owner's, not the apps'.
      namespaceResourceBlacklist: [
        { group: "", kind: "ResourceQuota" },
        { group: "", kind: "LimitRange" },
      ],
      orphanedResources: { warn: true },
    },
  };
  const source: Record<string, unknown> = {
    repoURL: args.gitRepoUrl,
    targetRevision: args.gitRevision,
    path: `clusters/${args.cloud}/overlays/${args.overlay}`,
  };
  if (args.patches && args.patches.length > 0) source.kustomize = { patches: args.patches };
  const app: KubeObject = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: `llm-${args.cloud}-apps`,
      namespace: "argocd",
      finalizers: ["resources-finalizer.argocd.argoproj.io"],
    },
    spec: {
      project: APP_PROJECT,
      source,
      destination: { server, namespace: "argocd" },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ["CreateNamespace=true"],
        retry: ROOT_APP_RETRY,
      },
    },
  };
  return [project, app];
}

/** One inline kustomize patch target: Applications, optionally one by name or by label. */
export interface KustomizePatch {
  target: { group: string; version: string; kind: string; name?: string; labelSelector?: string };
  patch: string;
}

/** Label the child Applications deployed into the apps namespace carry (clusters/base/apps). */
export const APPS_NAMESPACE_LABEL = "llm.platform/apps-namespace";

const APPLICATION = { group: "argoproj.io", version: "v1alpha1", kind: "Application" } as const;

/** A strategic-merge patch of Applications; with several targets the name is ignored (kustomize). */
function applicationPatch(name: string, spec: Record<string, unknown>): string {
  return stringify({ apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name }, spec });
}

/**
 * The one mechanism by which Pulumi hands stack-specific values to Argo CD: inline kustomize
 * patches on the root Application's source (`spec.source.kustomize.patches`, supported since
 * Argo CD 2.9: argo-cd.readthedocs.io/en/release-2.9/user-guide/kustomize/#patches; "patches that
 * target existing Kustomization file will be merged", so they apply after the overlay's own).
 * Strategic-merge patches of the child Applications the overlay renders:
 * - every child: `spec.source.repoURL` and `targetRevision` (every child follows the stack's repo);
 * - children labelled `llm.platform/apps-namespace=true`: `spec.destination.namespace`;
 * - each child with stack values (stackAppValues), by name: `spec.source.helm.valuesObject`,
 *   which Argo CD merges over the Application's value files;
 * - a stack without a GPU pool: `$patch: delete` of the llm-runtime-gpu child (without stack
 *   values it cannot render: no router URL or KEDA target), as helm mode skips that release.
 */
export function rootAppPatches(args: {
  gitRepoUrl: string;
  gitRevision: string;
  appsNamespace: string;
  values: AppValues;
  /** Whether the stack has a GPU pool. Defaults to true. */
  gpuPool?: boolean;
}): KustomizePatch[] {
  const patches: KustomizePatch[] = [
    {
      target: { ...APPLICATION },
      patch: applicationPatch("every-child", {
        source: { repoURL: args.gitRepoUrl, targetRevision: args.gitRevision },
      }),
    },
    {
      target: { ...APPLICATION, labelSelector: `${APPS_NAMESPACE_LABEL}=true` },
      patch: applicationPatch("apps-namespace-children", { destination: { namespace: args.appsNamespace } }),
    },
  ];
  for (const [name, valuesObject] of Object.entries(args.values) as [AppName, Record<string, unknown>][])
    patches.push({
      target: { ...APPLICATION, name },
      patch: applicationPatch(name, { source: { helm: { valuesObject } } }),
    });
  if (args.gpuPool === false)
    patches.push({
      target: { ...APPLICATION, name: "llm-runtime-gpu" },
      patch: stringify({
        $patch: "delete",
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { name: "llm-runtime-gpu" },
      }),
    });
  return patches;
}

/** `clusters/<cloud>/root-app.yaml` as checked in: a header, then the two objects. */
export function renderRootAppYaml(cloud: ClusterCloud): string {
  const header = [
    "# GENERATED by infra/common/bin/write-root-apps.ts from rootAppObjects() in",
    "# infra/common/src/apps/root-app.ts: edit that function, then run",
    "#   npx tsx infra/common/bin/write-root-apps.ts",
    `# Bootstrap of ${cloud} for a hand-run \`kubectl apply -f\` (Pulumi's argocd mode applies the same`,
    "# objects with your stack's gitRepoUrl, gitRevision, overlay and values instead): replace the",
    "# repository below with your fork first. Argo CD then syncs the overlay, which holds every",
    "# other Application of this cluster. The AppProject comes first: an Application cannot be",
    "# created in a missing project.",
  ].join("\n");
  const docs = rootAppObjects({ cloud, ...ROOT_APP_DEFAULTS }).map((o) =>
    stringify(o, { lineWidth: 0 }).trimEnd(),
  );
  return `${header}\n${docs.join("\n---\n")}\n`;
}
