import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface IngressAddressesArgs {
  /** Availability zones of the public subnets (one address per AZ). */
  availabilityZones: string[];
  /** Tags for every address. */
  tags: Record<string, string>;
}

/**
 * Elastic IPs for ingress-nginx's Network Load Balancer, one per public subnet, reserved by the
 * stack so the addresses are known before any cluster software runs: the global stack's DNS
 * points the pool and exporter hosts here in both deploy modes, and a recreated Service keeps
 * them. The AWS cloud provider binds them with `service.beta.kubernetes.io/aws-load-balancer-eip-
 * allocations` (kubernetes/kubernetes#69263, Kubernetes 1.16 changelog: "Number of allocations and
 * subnets must match"; the NLB takes one public subnet per AZ, hence one EIP per AZ).
 */
export class IngressAddresses extends pulumi.ComponentResource {
  readonly eips: aws.ec2.Eip[];
  /** The public IPs, in AZ order. */
  readonly addresses: pulumi.Output<string[]>;
  /** ingress-nginx `controller.service` values that make its NLB use these addresses. */
  readonly serviceValues: pulumi.Output<Record<string, unknown>>;

  constructor(name: string, args: IngressAddressesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:aws:IngressAddresses", name, {}, opts);
    this.eips = args.availabilityZones.map(
      (az) =>
        new aws.ec2.Eip(
          `${name}-${az}`,
          { domain: "vpc", tags: { ...args.tags, Name: `${name}-${az}` } },
          { parent: this },
        ),
    );
    this.addresses = pulumi.all(this.eips.map((e) => e.publicIp));
    this.serviceValues = pulumi.all(this.eips.map((e) => e.allocationId)).apply(
      (ids): Record<string, unknown> => ({
        annotations: {
          "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
          "service.beta.kubernetes.io/aws-load-balancer-eip-allocations": ids.join(","),
        },
      }),
    );
    this.registerOutputs({ addresses: this.addresses });
  }
}
