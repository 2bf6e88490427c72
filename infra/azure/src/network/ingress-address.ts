import * as network from "@pulumi/azure-native/network/index.js";
import * as pulumi from "@pulumi/pulumi";

export interface IngressAddressArgs {
  /** The cluster's node resource group (AKS manages load balancers there and may use IPs in it). */
  nodeResourceGroup: pulumi.Input<string>;
  /** Region. */
  location: string;
  /** Public IP resource name. */
  name: string;
  /** Tags. */
  tags: Record<string, string>;
}

/**
 * A reserved Standard static public IP for ingress-nginx's load balancer, known before any
 * cluster software runs: the global stack's DNS points the pool and exporter hosts here in both
 * deploy modes. It lives in the cluster's node resource group, where the cluster identity already
 * manages load balancers, so no extra role is needed (learn.microsoft.com/azure/aks/static-ip:
 * "Create a static public IP address in the node resource group"); the Service names it with
 * `service.beta.kubernetes.io/azure-pip-name`.
 */
export class IngressAddress extends pulumi.ComponentResource {
  readonly publicIp: network.PublicIPAddress;
  readonly addresses: pulumi.Output<string[]>;
  /** ingress-nginx `controller.service` values binding its load balancer to this IP. */
  readonly serviceValues: pulumi.Output<Record<string, unknown>>;

  constructor(name: string, args: IngressAddressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:azure:IngressAddress", name, {}, opts);
    this.publicIp = new network.PublicIPAddress(
      name,
      {
        publicIpAddressName: args.name,
        resourceGroupName: args.nodeResourceGroup,
        location: args.location,
        // The AKS load balancer is Standard SKU; only Standard static IPs attach to it.
        sku: { name: "Standard" },
        publicIPAllocationMethod: "Static",
        tags: args.tags,
      },
      { parent: this },
    );
    this.addresses = this.publicIp.ipAddress.apply((ip) => [ip ?? ""]);
    const values: Record<string, unknown> = {
      annotations: {
        "service.beta.kubernetes.io/azure-pip-name": args.name,
        // Azure's probe must hit ingress-nginx's health endpoint, not `/` (404 without a host).
        "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path": "/healthz",
      },
    };
    // Bound after the IP exists, so the Service never names a missing address.
    this.serviceValues = this.publicIp.id.apply(() => values);
    this.registerOutputs({ addresses: this.addresses });
  }
}
