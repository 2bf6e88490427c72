import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterCloud } from "../naming/naming.js";
import { platformSkipFor } from "../platform/charts.js";
import { ClusterPlatform } from "../platform/cluster-platform.js";
import type { Values } from "../platform/platform-values.js";
import { LlmApps } from "./llm-apps.js";
import type { AppValues } from "./stack-values.js";

/** Kubernetes provider names per cloud (resource names: keep them stable across releases). */
const providerNames: Record<ClusterCloud, string> = { aws: "llm-eks", gcp: "llm-gke", azure: "llm-aks" };

export interface ClusterSoftwareArgs {
  cloud: ClusterCloud;
  /** Cluster name and region, for the platform (cluster-autoscaler discovery on EKS). */
  clusterName: pulumi.Input<string>;
  region: pulumi.Input<string>;
  kubeconfig: pulumi.Input<string>;
  /** What Helm releases must wait for: nodes to run on (the CPU pool) or the cluster itself. */
  readyWhen: pulumi.Resource;
  /** The stack's config keys that decide what gets installed and how. */
  config: {
    installPlatform: boolean;
    deployMode: "helm" | "argocd" | "none";
    appsNamespace: string;
    acmeEmail: string;
    gitRepoUrl?: string;
    gitRevision?: string;
    overlay?: string;
    kubernetesVersion?: string;
  };
  /** Stack values per app (stackAppValues); both modes apply them. */
  values: pulumi.Input<AppValues>;
  /** ingress-nginx `controller.service` values binding its load balancer to the reserved address. */
  ingressService?: pulumi.Input<Values>;
  /** Whether the cluster has a GPU pool. Defaults to true. */
  gpuPool?: boolean;
  /** HMAC secret the runtimes verify the router with; absent means auth mode none. */
  hmacSecret?: pulumi.Input<string>;
  /** Bearer token KEDA sends to the router's /scaling. */
  scalingToken?: pulumi.Input<string>;
  /** IAM role of cluster-autoscaler (IRSA); EKS only. */
  clusterAutoscalerRoleArn?: pulumi.Input<string>;
}

/**
 * What every cloud installs once its cluster exists: the platform (or only Argo CD in argocd
 * mode) and this repo's apps, through one Kubernetes provider. Nothing when both are off.
 */
export function deployClusterSoftware(args: ClusterSoftwareArgs): {
  platform?: ClusterPlatform;
  apps?: LlmApps;
} {
  const { cloud, config } = args;
  if (!config.installPlatform && config.deployMode === "none") return {};
  const provider = new k8s.Provider(
    providerNames[cloud],
    { kubeconfig: args.kubeconfig },
    { dependsOn: [args.readyWhen] },
  );
  const platform = config.installPlatform
    ? new ClusterPlatform("llm", {
        cloud,
        provider,
        clusterName: args.clusterName,
        region: args.region,
        clusterAutoscalerRoleArn: args.clusterAutoscalerRoleArn,
        kubernetesVersion: config.kubernetesVersion,
        acmeEmail: config.acmeEmail,
        ingressService: args.ingressService,
        skip: platformSkipFor(config.deployMode),
      })
    : undefined;
  const apps =
    config.deployMode !== "none"
      ? new LlmApps("llm", {
          cloud,
          provider,
          deployMode: config.deployMode,
          namespace: config.appsNamespace,
          values: args.values,
          gpuPool: args.gpuPool,
          hmacSecret: args.hmacSecret,
          scalingToken: args.scalingToken,
          gitRepoUrl: config.gitRepoUrl,
          gitRevision: config.gitRevision,
          overlay: config.overlay,
          dependsOn: platform?.dependencies() ?? [],
        })
      : undefined;
  return { platform, apps };
}
