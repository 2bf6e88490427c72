import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { CommonConfig } from "../config/common-config.js";
import type { ClusterCloud } from "../naming/naming.js";
import type { StackExports } from "../outputs/stack-outputs.js";
import { platformSkipFor } from "../platform/charts.js";
import { ClusterPlatform } from "../platform/cluster-platform.js";
import { LlmApps } from "./llm-apps.js";

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
  config: Pick<
    CommonConfig,
    "installPlatform" | "deployMode" | "appsNamespace" | "acmeEmail" | "gitRepoUrl" | "gitRevision"
  >;
  /** HMAC secret the runtimes verify the router with; absent means auth mode none. */
  hmacSecret?: pulumi.Input<string>;
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
        acmeEmail: config.acmeEmail,
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
          hmacSecret: args.hmacSecret,
          gitRepoUrl: config.gitRepoUrl,
          gitRevision: config.gitRevision,
          dependsOn: platform ? [platform] : [],
        })
      : undefined;
  return { platform, apps };
}

/** What every cloud program returns beside its own cloud resources. */
export interface CloudStackBase extends ReturnType<typeof deployClusterSoftware> {
  /** The shared output shape (`stackOutputs` in @llm/contracts). */
  outputs: Partial<StackExports>;
  /**
   * Outputs beyond the shared shape (registry, IAM): consumers of the shared shape
   * (`pnpm router-config`, the global stack) pick the shared keys and ignore these.
   */
  extraOutputs: Record<string, pulumi.Output<unknown>>;
}
