import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterCloud } from "../naming/naming.js";
import { ACCELERATOR_LABEL, AKS_SPOT_TAINT } from "../pools/defaults.js";
import { type PinnedChart, type PlatformComponent, platformCharts } from "./charts.js";

export interface ClusterPlatformArgs {
  /** Cloud of the cluster; decides the GPU plugin, the autoscaler and load-balancer annotations. */
  cloud: ClusterCloud;
  /** Provider pointing at the cluster. */
  provider: k8s.Provider;
  /** Cluster name (cluster-autoscaler auto-discovery on EKS). */
  clusterName: pulumi.Input<string>;
  /** Cloud region (cluster-autoscaler's AWS region). */
  region: pulumi.Input<string>;
  /** IAM role the cluster-autoscaler service account assumes (IRSA). Required on AWS. */
  clusterAutoscalerRoleArn?: pulumi.Input<string>;
  /** Let's Encrypt account email for the ClusterIssuer. */
  acmeEmail: string;
  /** Components to leave out, e.g. `["argoCd"]`. Defaults to none. */
  skip?: PlatformComponent[];
}

/**
 * Which GPU software a cloud needs, and why:
 * - GKE installs the NVIDIA driver (gpuDriverInstallationConfig) and runs its own device plugin
 *   DaemonSet on GPU nodes, so we install nothing.
 * - EKS's AL2023 NVIDIA AMI and AKS's GPU node image already ship the driver and the container
 *   toolkit; the only missing piece is the device plugin that advertises `nvidia.com/gpu`.
 *   The GPU operator would bring NFD, DCGM and driver containers we would then have to disable.
 */
export function gpuSoftwareFor(cloud: ClusterCloud): "device-plugin" | "none" {
  return cloud === "gcp" ? "none" : "device-plugin";
}

/** Service annotations that give ingress-nginx a cloud network load balancer. */
function loadBalancerAnnotations(cloud: ClusterCloud): Record<string, string> {
  if (cloud === "aws") return { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" };
  if (cloud === "azure")
    return { "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path": "/healthz" };
  return {};
}

/**
 * The in-cluster platform every cloud gets: ingress-nginx, cert-manager (+ a Let's Encrypt
 * ClusterIssuer), kube-prometheus-stack, KEDA, Argo CD, the NVIDIA device plugin where the
 * cloud does not provide one, and cluster-autoscaler on EKS (GKE and AKS autoscale natively).
 */
export class ClusterPlatform extends pulumi.ComponentResource {
  /** Installed releases by component. */
  readonly releases: Partial<Record<PlatformComponent, k8s.helm.v3.Release>> = {};
  /** The `letsencrypt` ClusterIssuer, when cert-manager is installed. */
  readonly clusterIssuer?: k8s.apiextensions.CustomResource;

  constructor(name: string, args: ClusterPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:common:ClusterPlatform", name, {}, opts);
    const skip = new Set(args.skip ?? []);
    const childOpts = { parent: this, provider: args.provider };
    const install = (component: PlatformComponent, values: pulumi.Inputs, allowNullValues = false) => {
      if (skip.has(component)) return undefined;
      const c: PinnedChart = platformCharts[component];
      const release = new k8s.helm.v3.Release(
        `${name}-${c.chart}`,
        {
          name: c.chart,
          chart: c.chart,
          version: c.version,
          repositoryOpts: { repo: c.repo },
          namespace: c.namespace,
          createNamespace: true,
          values,
          allowNullValues,
          // Wait for readiness so dependants (ClusterIssuer, apps) find CRDs and webhooks up.
          skipAwait: false,
          timeout: 900,
        },
        childOpts,
      );
      this.releases[component] = release;
      return release;
    };

    if (gpuSoftwareFor(args.cloud) === "device-plugin") {
      const tolerations: pulumi.Inputs[] = [
        { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      ];
      if (args.cloud === "azure")
        tolerations.push({ key: AKS_SPOT_TAINT.key, operator: "Equal", value: "spot", effect: "NoSchedule" });
      install(
        "nvidiaDevicePlugin",
        {
          // The chart's default affinity wants NFD/GFD labels that EKS and AKS nodes lack; our
          // pools label their GPU nodes themselves, so select on that label instead.
          affinity: null,
          nodeSelector: { [ACCELERATOR_LABEL]: "nvidia-t4" },
          tolerations,
        },
        true,
      );
    }

    if (args.cloud === "aws") {
      if (args.clusterAutoscalerRoleArn === undefined && !skip.has("clusterAutoscaler"))
        throw new Error("clusterAutoscalerRoleArn is required on AWS");
      install("clusterAutoscaler", {
        cloudProvider: "aws",
        awsRegion: args.region,
        autoDiscovery: { clusterName: args.clusterName },
        rbac: {
          serviceAccount: {
            create: true,
            name: "cluster-autoscaler",
            annotations: { "eks.amazonaws.com/role-arn": args.clusterAutoscalerRoleArn },
          },
        },
        extraArgs: {
          "balance-similar-node-groups": true,
          // Cheapest fit first; with one GPU type per pool this mostly matters for spot diversity.
          expander: "least-waste",
          "scale-down-unneeded-time": "10m",
          "scale-down-delay-after-add": "10m",
          "skip-nodes-with-system-pods": false,
        },
      });
    }

    install("keda", {});
    install("ingressNginx", {
      controller: {
        service: { annotations: loadBalancerAnnotations(args.cloud) },
        metrics: { enabled: true, serviceMonitor: { enabled: !skip.has("kubePrometheusStack") } },
      },
    });
    const certManager = install("certManager", { crds: { enabled: true } });
    install("kubePrometheusStack", {
      prometheus: {
        prometheusSpec: {
          // Pick up ServiceMonitors/PodMonitors from every release (runtime, exporter), not only this one.
          serviceMonitorSelectorNilUsesHelmValues: false,
          podMonitorSelectorNilUsesHelmValues: false,
          retention: "15d",
        },
      },
    });
    install("argoCd", { configs: { params: { "server.insecure": true } } });

    if (certManager) {
      this.clusterIssuer = new k8s.apiextensions.CustomResource(
        `${name}-letsencrypt`,
        {
          apiVersion: "cert-manager.io/v1",
          kind: "ClusterIssuer",
          metadata: { name: "letsencrypt" },
          spec: {
            acme: {
              server: "https://acme-v02.api.letsencrypt.org/directory",
              email: args.acmeEmail,
              privateKeySecretRef: { name: "letsencrypt-account-key" },
              solvers: [{ http01: { ingress: { ingressClassName: "nginx" } } }],
            },
          },
        },
        { ...childOpts, dependsOn: [certManager] },
      );
    }

    this.registerOutputs({
      releases: Object.fromEntries(Object.entries(this.releases).map(([k, r]) => [k, r.name])),
    });
  }
}
