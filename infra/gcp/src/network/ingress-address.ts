import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface IngressAddressArgs {
  /** Region of the cluster (the load balancer is regional). */
  region: string;
  /** Labels for the address. */
  labels: Record<string, string>;
}

/**
 * A reserved regional external IP for ingress-nginx's load balancer, known before any cluster
 * software runs: the global stack's DNS points the pool and exporter hosts here in both deploy
 * modes, and a recreated Service keeps it. GKE binds it through the Service's `loadBalancerIP`.
 */
export class IngressAddress extends pulumi.ComponentResource {
  readonly address: gcp.compute.Address;
  readonly addresses: pulumi.Output<string[]>;
  /** ingress-nginx `controller.service` values that put its load balancer on this address. */
  readonly serviceValues: pulumi.Output<Record<string, unknown>>;

  constructor(name: string, args: IngressAddressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:gcp:IngressAddress", name, {}, opts);
    this.address = new gcp.compute.Address(
      name,
      { region: args.region, addressType: "EXTERNAL", networkTier: "PREMIUM", labels: args.labels },
      { parent: this },
    );
    this.addresses = this.address.address.apply((a) => [a]);
    this.serviceValues = this.address.address.apply(
      (ip): Record<string, unknown> => ({ loadBalancerIP: ip }),
    );
    this.registerOutputs({ address: this.address.address });
  }
}
