/** A pinned chart from a public Helm repository. */
export interface PinnedChart {
  /** Chart name in the repository. */
  chart: string;
  /** Exact chart version (never a range: upgrades are reviewed commits). */
  version: string;
  /** Helm repository URL. */
  repo: string;
  /** Namespace the release goes into. */
  namespace: string;
}

/**
 * Platform charts and versions. Every version is a release tag of the chart's source repository,
 * checked on 2026-12-03 in snapshots of those repositories; each one has an entry (with the tag
 * URL) in infra/pins.yaml, and charts/platform/values.yaml pins the same versions for Argo CD.
 */
export const platformCharts = {
  nvidiaDevicePlugin: {
    chart: "nvidia-device-plugin",
    version: "0.18.2",
    repo: "https://nvidia.github.io/k8s-device-plugin",
    namespace: "nvidia-device-plugin",
  },
  clusterAutoscaler: {
    chart: "cluster-autoscaler",
    version: "9.59.0",
    repo: "https://kubernetes.github.io/autoscaler",
    namespace: "kube-system",
  },
  keda: { chart: "keda", version: "2.20.1", repo: "https://kedacore.github.io/charts", namespace: "keda" },
  // ingress-nginx is in maintenance-only mode upstream; 4.14.x is its last line. It stays because
  // the runtime and router charts ship nginx Ingress objects; swap for Gateway API when they do.
  ingressNginx: {
    chart: "ingress-nginx",
    version: "4.14.1",
    repo: "https://kubernetes.github.io/ingress-nginx",
    namespace: "ingress-nginx",
  },
  // v1.21.2 could not be shown to exist (cert-manager/cert-manager tags end at v1.21.1).
  certManager: {
    chart: "cert-manager",
    version: "v1.21.1",
    repo: "https://charts.jetstack.io",
    namespace: "cert-manager",
  },
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    version: "79.8.2",
    repo: "https://prometheus-community.github.io/helm-charts",
    namespace: "monitoring",
  },
  // The CPU runtime's HPA scales on llm_runtime_queue_depth, a Pods metric only this adapter serves.
  prometheusAdapter: {
    chart: "prometheus-adapter",
    version: "5.3.0",
    repo: "https://prometheus-community.github.io/helm-charts",
    namespace: "monitoring",
  },
  // GKE and AKS run metrics-server themselves; EKS does not, and without it no HPA reads CPU.
  metricsServer: {
    chart: "metrics-server",
    version: "3.13.1",
    repo: "https://kubernetes-sigs.github.io/metrics-server",
    namespace: "kube-system",
  },
  argoCd: {
    chart: "argo-cd",
    version: "9.5.14",
    repo: "https://argoproj.github.io/argo-helm",
    namespace: "argocd",
  },
} satisfies Record<string, PinnedChart>;

/**
 * cluster-autoscaler image per Kubernetes minor: the autoscaler must match the control plane's
 * minor (its README's version table), while chart 9.59.0 defaults to v1.35.0. Latest patch tags of
 * kubernetes/autoscaler (`cluster-autoscaler-1.<minor>.<patch>`) checked 2026-12-03.
 */
export const clusterAutoscalerImages: Record<string, string> = {
  "1.33": "v1.33.6",
  "1.34": "v1.34.5",
  "1.35": "v1.35.2",
};

/** The cluster-autoscaler image tag for a Kubernetes minor; throws naming the config key. */
export function clusterAutoscalerImageTag(
  kubernetesVersion: string,
  key = "llm-platform:kubernetesVersion",
): string {
  const tag = clusterAutoscalerImages[kubernetesVersion];
  if (!tag)
    throw new Error(
      `${key}: no pinned cluster-autoscaler for Kubernetes ${kubernetesVersion} (pinned: ${Object.keys(clusterAutoscalerImages).join(", ")})`,
    );
  return tag;
}

export type PlatformComponent = keyof typeof platformCharts;

/**
 * Platform components Pulumi should leave out for a deploy mode: in `argocd` mode the
 * app-of-apps (clusters/<cloud>, charts/platform) owns everything but Argo CD itself, and two
 * owners of one release would fight. Which components a cloud needs at all is ClusterPlatform's.
 */
export function platformSkipFor(deployMode: "helm" | "argocd" | "none"): PlatformComponent[] {
  if (deployMode !== "argocd") return [];
  return (Object.keys(platformCharts) as PlatformComponent[]).filter((c) => c !== "argoCd");
}
