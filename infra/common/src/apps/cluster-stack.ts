import { existsSync } from "node:fs";
import path from "node:path";
import type { StackImages } from "@llm/contracts";
import type * as pulumi from "@pulumi/pulumi";
import type { CommonConfig } from "../config/common-config.js";
import { AppImages, type AppImagesArgs, configuredImages } from "../images/app-images.js";
import { type ClusterCloud, PROJECT } from "../naming/naming.js";
import { type StackExports, stackExports } from "../outputs/stack-outputs.js";
import type { Values } from "../platform/platform-values.js";
import { hostFor, type ResolvedPools } from "../pools/resolve.js";
import { HmacSecret } from "../secrets/hmac-secret.js";
import { ScalingToken } from "../secrets/scaling-token.js";
import { deployClusterSoftware } from "./cluster-software.js";
import { REPO_ROOT } from "./repo-paths.js";
import { stackAppValues } from "./stack-values.js";

export interface ClusterStackArgs {
  cloud: ClusterCloud;
  /** The stack's validated config (shared keys, plus the cloud's Kubernetes version). */
  config: CommonConfig & { kubernetesVersion?: string };
  /** Cluster name as known at construction (`clusterNameFor(stack)`): target names embed it. */
  clusterName: string;
  /** The cluster name as an Output of the cluster resource (exported; carries the dependency). */
  clusterNameOutput: pulumi.Input<string>;
  /** Region (or zone) the cluster runs in. */
  region: string;
  kubeconfig: pulumi.Input<string>;
  /** What Helm releases must wait for: nodes to run on (the CPU pool) or the cluster itself. */
  readyWhen: pulumi.Resource;
  /** The resolved pools (specs, outputs, catalog models). */
  pools: ResolvedPools;
  /** The registry to push to, asked for only when the stack builds its images. */
  registry: () => Omit<AppImagesArgs, "repoRoot" | "platforms">;
  /** The ingress load balancer's reserved public addresses and the controller Service values that bind them. */
  ingress: { addresses: pulumi.Input<string[]>; service: pulumi.Input<Values> };
  /** IAM role of cluster-autoscaler (IRSA); EKS only. */
  clusterAutoscalerRoleArn?: pulumi.Input<string>;
  /** Repository root (overlays, charts). Defaults to this checkout. */
  repoRoot?: string;
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
  /** The images (built here, or the configured refs). */
  images?: AppImages;
}

/**
 * The part every cloud program shares once its cluster, pools, registry and ingress address
 * exist: the HMAC secret (authMode hmac), the scaling token, the images (built and pushed, or
 * taken from config), the stack values both deploy modes apply, the platform and apps, and the
 * stack outputs. Errors name the config key.
 */
export function deployClusterStack(args: ClusterStackArgs) {
  const { config, cloud } = args;
  // The exporter's Ingress routes only `/v1/pools` (JSON prices and ready replicas per pool):
  // its `/metrics` is never public (charts/exporters, Ingress parameters).
  const exporterEndpoint =
    config.exporterEndpoint ?? `https://${hostFor("exporter", config.domain)}/v1/pools`;
  const overlay = config.overlay ?? config.environment;
  if (config.deployMode === "argocd") {
    const dir = path.join(args.repoRoot ?? REPO_ROOT, "clusters", cloud, "overlays", overlay);
    if (!existsSync(dir))
      throw new Error(
        `${PROJECT}:overlay: clusters/${cloud}/overlays/${overlay} does not exist (set llm-platform:overlay to one that does)`,
      );
  }
  const hmac = config.authMode === "hmac" ? new HmacSecret("llm-hmac") : undefined;
  const scalingToken = new ScalingToken("llm-scaling", { value: config.scalingToken });
  let images: AppImages | undefined;
  let imageRefs: pulumi.Input<StackImages>;
  if (config.buildImages) {
    images = new AppImages("llm", { ...args.registry(), repoRoot: args.repoRoot });
    imageRefs = images.refs;
  } else imageRefs = configuredImages(config.images);

  // Without apps nothing reads the stack values (and KEDA's router URL is not needed).
  const values =
    config.deployMode === "none"
      ? {}
      : stackAppValues({
          cloud,
          clusterName: args.clusterName,
          region: args.region,
          acmeEmail: config.acmeEmail,
          authMode: config.authMode,
          pools: args.pools,
          exporterHost: new URL(exporterEndpoint).hostname,
          routerUrl: config.routerUrl,
          images: imageRefs,
          ingressService: args.ingress.service,
          clusterAutoscaler:
            args.clusterAutoscalerRoleArn !== undefined
              ? {
                  roleArn: args.clusterAutoscalerRoleArn,
                  kubernetesVersion: config.kubernetesVersion ?? "1.34",
                }
              : undefined,
        });

  const { platform, apps } = deployClusterSoftware({
    cloud,
    clusterName: args.clusterName,
    region: args.region,
    kubeconfig: args.kubeconfig,
    readyWhen: args.readyWhen,
    config: { ...config, overlay },
    values,
    ingressService: args.ingress.service,
    gpuPool: args.pools.specs.gpu !== undefined,
    hmacSecret: hmac?.value,
    scalingToken: scalingToken.value,
    clusterAutoscalerRoleArn: args.clusterAutoscalerRoleArn,
  });

  const outputs = stackExports({
    cloud,
    region: args.region,
    clusterName: args.clusterNameOutput,
    kubeconfig: args.kubeconfig,
    authMode: config.authMode,
    hmacSecret: hmac?.value,
    pools: args.pools.outputs,
    exporterEndpoint,
    ingressAddresses: args.ingress.addresses,
    scalingToken: scalingToken.value,
    images: imageRefs,
  });
  return { platform, apps, images, values, outputs, hmac, scalingToken };
}
