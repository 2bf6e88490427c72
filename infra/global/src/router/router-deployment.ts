import { createHash } from "node:crypto";
import type { ImageRef } from "@llm/contracts";
import { chartPath, REPO_ROOT, SCALING_TOKEN_SECRET, SCALING_TOKEN_SECRET_KEY } from "@llm/infra-common";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Secret the router chart reads its config from (`existingConfigSecret`), and the key inside it. */
export const ROUTER_CONFIG_SECRET = "llm-router-config";
export const ROUTER_CONFIG_KEY = "router.yaml";
/** Secret with the shared Redis URL (key `url`, the chart's `redis.existingSecretKey` default). */
export const ROUTER_REDIS_SECRET = "llm-router-redis";

export interface RouterDeploymentArgs {
  /** Kubeconfig of the cluster the router runs in. */
  kubeconfig: pulumi.Input<string>;
  /** Router config YAML (from buildRouterConfig); holds HMAC secrets, so it is kept secret. */
  configYaml: pulumi.Input<string>;
  /** Namespace of the release. */
  namespace: string;
  /** Public host name of the router's Ingress. */
  hostname: string;
  /** Chart auth mode (`apiKey` needs tenants in the config). */
  authMode: "apiKey" | "none";
  /** Router image, pinned by digest. */
  image: pulumi.Input<ImageRef>;
  /** Replicas (the chart's replicaCount and HPA minimum). */
  replicas: number;
  /** Bearer token `/scaling/*` requires (the clusters' KEDA sends it). */
  scalingToken: pulumi.Input<string>;
  /**
   * Shared state: `{ url }` of a Redis every replica uses, or `"in-chart"` for the chart's own
   * Redis, or undefined for one replica (in-memory state).
   */
  redis?: { url: pulumi.Input<string> } | "in-chart";
  /** Repository root holding `charts/router`. Defaults to this checkout. */
  repoRoot?: string;
}

/**
 * The router in one cluster: its config as a Secret (never a ConfigMap: it carries cluster HMAC
 * keys) and the charts/router release pointing at it. A config checksum on the pods rolls them
 * when the stacks behind the config change.
 */
export class RouterDeployment extends pulumi.ComponentResource {
  readonly provider: k8s.Provider;
  readonly configSecret: k8s.core.v1.Secret;
  readonly release: k8s.helm.v3.Release;
  private readonly baseName: string;

  constructor(name: string, args: RouterDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:global:RouterDeployment", name, {}, opts);
    this.baseName = name;
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: args.kubeconfig }, { parent: this });
    const base = { parent: this, provider: this.provider };
    const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace } }, base);
    this.configSecret = new k8s.core.v1.Secret(
      `${name}-config`,
      {
        metadata: { name: ROUTER_CONFIG_SECRET, namespace: args.namespace },
        type: "Opaque",
        stringData: { [ROUTER_CONFIG_KEY]: pulumi.secret(args.configYaml) },
      },
      { ...base, dependsOn: [ns] },
    );
    // The chart passes this Secret to the router as ROUTER_SCALING_TOKEN (`scaling.existingSecret`).
    const runtimeSecrets: pulumi.Resource[] = [
      new k8s.core.v1.Secret(
        `${name}-scaling`,
        {
          metadata: { name: SCALING_TOKEN_SECRET, namespace: args.namespace },
          type: "Opaque",
          stringData: { [SCALING_TOKEN_SECRET_KEY]: pulumi.secret(args.scalingToken) },
        },
        { ...base, dependsOn: [ns] },
      ),
    ];
    if (typeof args.redis === "object")
      runtimeSecrets.push(
        new k8s.core.v1.Secret(
          `${name}-redis`,
          {
            metadata: { name: ROUTER_REDIS_SECRET, namespace: args.namespace },
            type: "Opaque",
            stringData: { url: pulumi.secret(args.redis.url) },
          },
          { ...base, dependsOn: [ns] },
        ),
      );
    const checksum = pulumi
      .output(args.configYaml)
      .apply((y) => createHash("sha256").update(y).digest("hex"));
    const redis =
      args.redis === "in-chart"
        ? { enabled: true }
        : args.redis
          ? { enabled: false, existingSecret: ROUTER_REDIS_SECRET, existingSecretKey: "url" }
          : { enabled: false };
    this.release = new k8s.helm.v3.Release(
      `${name}-router`,
      {
        name: "router",
        chart: chartPath("router", args.repoRoot ?? REPO_ROOT),
        namespace: args.namespace,
        values: {
          image: pulumi
            .output(args.image)
            .apply((i) => ({ registry: i.registry, repository: i.repository, digest: i.digest })),
          replicaCount: args.replicas,
          autoscaling: { minReplicas: args.replicas },
          existingConfigSecret: ROUTER_CONFIG_SECRET,
          existingConfigSecretKey: ROUTER_CONFIG_KEY,
          auth: { mode: args.authMode },
          scaling: { existingSecret: SCALING_TOKEN_SECRET, existingSecretKey: SCALING_TOKEN_SECRET_KEY },
          redis,
          // The chart renders checksum/config itself (of the Secret name only, with an existing
          // Secret): the content hash rolls the pods when the generated config changes.
          podAnnotations: { "checksum/router-config-content": checksum },
          ingress: { enabled: true, host: args.hostname },
        },
        timeout: 600,
      },
      { ...base, dependsOn: [this.configSecret, ...runtimeSecrets] },
    );
    this.registerOutputs({ release: this.release.name });
  }

  /**
   * Address of the cluster's ingress-nginx load balancer (IP or host name), read from the
   * live Service: the router's public origin for DNS and Cloudflare.
   */
  ingressAddress(): pulumi.Output<string> {
    const svc = k8s.core.v1.Service.get(
      `${this.baseName}-ingress`,
      "ingress-nginx/ingress-nginx-controller",
      { parent: this, provider: this.provider },
    );
    return svc.status.apply((s) => {
      const lb = s?.loadBalancer?.ingress?.[0];
      const address = lb?.ip ?? lb?.hostname;
      if (!address)
        throw new Error(
          "ingress-nginx-controller has no load balancer address yet; set llm-platform:routerOrigins",
        );
      return address;
    });
  }
}
