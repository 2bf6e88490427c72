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
 * Platform charts and versions, checked November 2026 against each project's release notes
 * (argo-helm, kubernetes/autoscaler, kedacore/charts, kubernetes/ingress-nginx, cert-manager,
 * prometheus-community/helm-charts, NVIDIA/k8s-device-plugin).
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
  certManager: {
    chart: "cert-manager",
    version: "v1.21.2",
    repo: "https://charts.jetstack.io",
    namespace: "cert-manager",
  },
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    version: "79.8.2",
    repo: "https://prometheus-community.github.io/helm-charts",
    namespace: "monitoring",
  },
  argoCd: {
    chart: "argo-cd",
    version: "9.5.14",
    repo: "https://argoproj.github.io/argo-helm",
    namespace: "argocd",
  },
} satisfies Record<string, PinnedChart>;

export type PlatformComponent = keyof typeof platformCharts;

/**
 * Platform components Pulumi should leave out for a deploy mode: in `argocd` mode the
 * app-of-apps (clusters/<cloud>, charts/platform) owns everything but Argo CD itself, and two
 * owners of one release would fight.
 */
export function platformSkipFor(deployMode: "helm" | "argocd" | "none"): PlatformComponent[] {
  if (deployMode !== "argocd") return [];
  return (Object.keys(platformCharts) as PlatformComponent[]).filter((c) => c !== "argoCd");
}
