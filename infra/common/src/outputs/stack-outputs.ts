import type { AuthMode, CloudName, PoolOutput, StackImages, StackOutputs } from "@llm/contracts";
import * as pulumi from "@pulumi/pulumi";

export interface StackExportArgs {
  /** Cloud of the stack. */
  cloud: CloudName;
  /** Region (or zone) the cluster runs in. */
  region: pulumi.Input<string>;
  /** Kubernetes cluster name. */
  clusterName: pulumi.Input<string>;
  /** Kubeconfig YAML; exported as a secret. */
  kubeconfig: pulumi.Input<string>;
  /** How the router authenticates to the cluster. */
  authMode: AuthMode;
  /** Shared HMAC secret; required when authMode is `hmac`, exported as a secret. */
  hmacSecret?: pulumi.Input<string>;
  /** Router-facing view of each pool. */
  pools: { cpu: PoolOutput; gpu?: PoolOutput };
  /** URL of the cost exporter's metrics, when exposed. */
  exporterEndpoint?: string;
  /** Public addresses of the ingress load balancer (the global stack's DNS points here). */
  ingressAddresses?: pulumi.Input<string[]>;
  /** Bearer token KEDA sends to the router's /scaling; exported as a secret. */
  scalingToken?: pulumi.Input<string>;
  /** Images the cluster runs (and the router image the global stack deploys). */
  images?: pulumi.Input<StackImages>;
}

/**
 * The stack outputs of a cloud program: exactly the keys of `stackOutputs` from
 * `@llm/contracts` (which is strict, so a stack must export nothing else), one Output per key.
 */
export type StackExports = { [K in keyof StackOutputs]-?: pulumi.Output<StackOutputs[K]> };

/**
 * Builds the exports of a cloud stack. Kubeconfig and HMAC secret are wrapped in
 * `pulumi.secret` so they are encrypted in state and hidden in `pulumi stack output`.
 */
export function stackExports(args: StackExportArgs): Partial<StackExports> {
  const out: Partial<StackExports> = {
    cloud: pulumi.output(args.cloud),
    region: pulumi.output(args.region),
    clusterName: pulumi.output(args.clusterName),
    kubeconfig: pulumi.secret(args.kubeconfig),
    authMode: pulumi.output(args.authMode),
    pools: pulumi.output(args.pools) as pulumi.Output<StackOutputs["pools"]>,
  };
  if (args.authMode === "hmac") {
    if (args.hmacSecret === undefined) throw new Error("hmacSecret is required when authMode is hmac");
    out.hmacSecret = pulumi.secret(args.hmacSecret);
  }
  if (args.exporterEndpoint) out.exporterEndpoint = pulumi.output(args.exporterEndpoint);
  if (args.ingressAddresses !== undefined) out.ingressAddresses = pulumi.output(args.ingressAddresses);
  if (args.scalingToken !== undefined) out.scalingToken = pulumi.secret(args.scalingToken);
  if (args.images !== undefined) out.images = pulumi.output(args.images) as pulumi.Output<StackImages>;
  return out;
}

/** All exports as one Output of a plain object (what `pulumi stack output --json --show-secrets` prints). */
export function collectExports(exports: Partial<StackExports>): pulumi.Output<Record<string, unknown>> {
  return pulumi.output(exports as Record<string, pulumi.Input<unknown>>) as unknown as pulumi.Output<
    Record<string, unknown>
  >;
}
