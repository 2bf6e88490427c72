import { existsSync } from "node:fs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { chartPath, REPO_ROOT } from "../apps/repo-paths.js";
import type { ClusterCloud } from "../naming/naming.js";
import { type PinnedChart, type PlatformComponent, platformCharts } from "./charts.js";
import { type PlatformStackArgs, platformStackValues } from "./platform-stack-values.js";
import { argoCdValues, mergeValues, platformComponentValues, type Values } from "./platform-values.js";

export interface ClusterPlatformArgs extends Omit<PlatformStackArgs, "clusterAutoscaler"> {
  /** Provider pointing at the cluster. */
  provider: k8s.Provider;
  /** IAM role the cluster-autoscaler service account assumes (IRSA). Required on AWS. */
  clusterAutoscalerRoleArn?: pulumi.Input<string>;
  /** Kubernetes minor of the control plane (cluster-autoscaler's image). Defaults to `1.34`. */
  kubernetesVersion?: string;
  /** Components to leave out, e.g. everything but `argoCd` in argocd mode. Defaults to none. */
  skip?: PlatformComponent[];
  /** Repository root holding `charts/` and `clusters/`. Defaults to this checkout. */
  repoRoot?: string;
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

/**
 * Values Pulumi always sets whatever the chart files say, because the platform only works with
 * them: Prometheus must select every release's ServiceMonitors and PrometheusRules (the
 * kube-prometheus-stack 79.8.2 defaults select only its own), cert-manager must own its CRDs.
 */
const requiredValues: Partial<Record<PlatformComponent, Values>> = {
  kubePrometheusStack: {
    prometheus: {
      prometheusSpec: {
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        scrapeConfigSelectorNilUsesHelmValues: false,
      },
    },
  },
  certManager: { crds: { enabled: true } },
};

/**
 * The components each release's custom resources need first. A release that ships a
 * ServiceMonitor or PrometheusRule waits for kube-prometheus-stack (which installs those CRDs);
 * on a fresh cluster Helm otherwise fails with "no matches for kind ServiceMonitor".
 */
const crdOwners: Partial<Record<PlatformComponent, PlatformComponent[]>> = {
  ingressNginx: ["kubePrometheusStack"],
  certManager: ["kubePrometheusStack"],
  keda: ["kubePrometheusStack"],
  prometheusAdapter: ["kubePrometheusStack"],
};

/**
 * The in-cluster platform every cloud gets: ingress-nginx, cert-manager (+ a Let's Encrypt
 * ClusterIssuer), kube-prometheus-stack with prometheus-adapter and this repo's observability
 * chart, KEDA, Argo CD, the NVIDIA device plugin where the cloud does not provide one, and
 * cluster-autoscaler plus metrics-server on EKS (GKE and AKS bring their own). Upstream charts get
 * the values of charts/platform (what Argo CD mode installs) with the stack's values over them.
 */
export class ClusterPlatform extends pulumi.ComponentResource {
  /** Installed releases by component. */
  readonly releases: Partial<Record<PlatformComponent, k8s.helm.v3.Release>> = {};
  /** This repo's observability chart (dashboards, PrometheusRules), when monitoring is installed. */
  readonly observability?: k8s.helm.v3.Release;
  /** The `letsencrypt` ClusterIssuer, when cert-manager is installed. */
  readonly clusterIssuer?: k8s.apiextensions.CustomResource;

  constructor(name: string, args: ClusterPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:common:ClusterPlatform", name, {}, opts);
    const skip = new Set(args.skip ?? []);
    const root = args.repoRoot ?? REPO_ROOT;
    const childOpts = { parent: this, provider: args.provider };
    if (args.cloud === "aws" && args.clusterAutoscalerRoleArn === undefined && !skip.has("clusterAutoscaler"))
      throw new Error("clusterAutoscalerRoleArn is required on AWS");
    const stack = platformStackValues({
      ...args,
      clusterAutoscaler:
        args.cloud === "aws" && args.clusterAutoscalerRoleArn !== undefined
          ? { roleArn: args.clusterAutoscalerRoleArn, kubernetesVersion: args.kubernetesVersion ?? "1.34" }
          : undefined,
    });
    const stackValuesOf = (component: PlatformComponent) =>
      stack.apply(
        (v) => ((v.components as Record<string, { values?: Values }>)[component]?.values ?? {}) as Values,
      );

    const install = (component: PlatformComponent) => {
      if (skip.has(component)) return undefined;
      const c: PinnedChart = platformCharts[component];
      const dependsOn = (crdOwners[component] ?? []).flatMap((o) => this.releases[o] ?? []);
      const release = new k8s.helm.v3.Release(
        `${name}-${c.chart}`,
        {
          name: c.chart,
          chart: c.chart,
          version: c.version,
          repositoryOpts: { repo: c.repo },
          namespace: c.namespace,
          createNamespace: true,
          values: stackValuesOf(component).apply((s) =>
            mergeValues(
              platformComponentValues(args.cloud, component, root),
              // Argo CD's own settings (Application health among them) live in one file.
              component === "argoCd" ? argoCdValues(root) : undefined,
              requiredValues[component],
              s,
            ),
          ),
          // Wait for readiness so dependants (ClusterIssuer, apps) find CRDs and webhooks up.
          skipAwait: false,
          timeout: 900,
        },
        { ...childOpts, dependsOn },
      );
      this.releases[component] = release;
      return release;
    };

    // CRD owners first: everything below that ships monitoring CRs waits for this release.
    const monitoring = install("kubePrometheusStack");
    if (gpuSoftwareFor(args.cloud) === "device-plugin") install("nvidiaDevicePlugin");
    if (args.cloud === "aws") {
      install("clusterAutoscaler");
      install("metricsServer");
    }
    install("keda");
    install("ingressNginx");
    const certManager = install("certManager");
    install("prometheusAdapter");
    install("argoCd");

    if (monitoring) {
      const valuesFile = `${root}/clusters/${args.cloud}/values/observability.yaml`;
      this.observability = new k8s.helm.v3.Release(
        `${name}-observability`,
        {
          name: "observability",
          chart: chartPath("observability", root),
          namespace: platformCharts.kubePrometheusStack.namespace,
          valueYamlFiles: existsSync(valuesFile) ? [new pulumi.asset.FileAsset(valuesFile)] : [],
          timeout: 600,
        },
        // PrometheusRule and the Grafana dashboard sidecar come with kube-prometheus-stack.
        { ...childOpts, dependsOn: [monitoring] },
      );
    }

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

  /**
   * Everything an app release must wait for: every platform release (CRDs of ServiceMonitor,
   * ScaledObject, TriggerAuthentication; the ingress admission webhook) and the ClusterIssuer
   * its Ingress certificates come from. Explicit resources, not this component, so the order is
   * visible in each release's own dependency list.
   */
  dependencies(): pulumi.Resource[] {
    const out: pulumi.Resource[] = Object.values(this.releases);
    if (this.clusterIssuer) out.push(this.clusterIssuer);
    return out;
  }
}
