import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { subnetCidrs } from "./cidrs.js";

export interface VpcArgs {
  /** Name of the EKS cluster, for the `kubernetes.io/cluster/<name>` subnet tags. */
  clusterName: string;
  /** VPC CIDR, a /16. */
  cidr: string;
  /** Availability zones, 2 to 4. */
  availabilityZones: string[];
  /** `single` NAT gateway (cheap) or one per AZ (zone-failure tolerant egress). */
  natGateways: "single" | "perAz";
  /** Tags for every resource. */
  tags: Record<string, string>;
}

/**
 * VPC with public subnets for load balancers and NAT, and private subnets for every node:
 * nodes never get public IPs and reach the internet (images, model downloads) through NAT.
 */
export class Vpc extends pulumi.ComponentResource {
  readonly vpc: aws.ec2.Vpc;
  readonly privateSubnets: aws.ec2.Subnet[] = [];
  readonly publicSubnets: aws.ec2.Subnet[] = [];
  readonly natGateways: aws.ec2.NatGateway[] = [];
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly publicSubnetIds: pulumi.Output<string[]>;

  constructor(name: string, args: VpcArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:aws:Vpc", name, {}, opts);
    const parent = { parent: this };
    const tag = (extra: Record<string, string>) => ({ ...args.tags, ...extra });
    const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };

    this.vpc = new aws.ec2.Vpc(
      name,
      {
        cidrBlock: args.cidr,
        // EKS needs DNS hostnames for the private API endpoint and node registration.
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: tag({ Name: name }),
      },
      parent,
    );
    const igw = new aws.ec2.InternetGateway(
      `${name}-igw`,
      { vpcId: this.vpc.id, tags: tag({ Name: `${name}-igw` }) },
      parent,
    );
    const publicRt = new aws.ec2.RouteTable(
      `${name}-public`,
      {
        vpcId: this.vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
        tags: tag({ Name: `${name}-public` }),
      },
      parent,
    );

    const cidrs = subnetCidrs(args.cidr, args.availabilityZones.length);
    args.availabilityZones.forEach((az, i) => {
      const c = cidrs[i]!;
      const pub = new aws.ec2.Subnet(
        `${name}-public-${az}`,
        {
          vpcId: this.vpc.id,
          cidrBlock: c.public,
          availabilityZone: az,
          mapPublicIpOnLaunch: false,
          // Where the AWS cloud provider puts internet-facing load balancers (ingress-nginx's NLB).
          tags: tag({ Name: `${name}-public-${az}`, "kubernetes.io/role/elb": "1", ...clusterTag }),
        },
        parent,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-public-${az}`,
        { subnetId: pub.id, routeTableId: publicRt.id },
        parent,
      );
      this.publicSubnets.push(pub);

      const priv = new aws.ec2.Subnet(
        `${name}-private-${az}`,
        {
          vpcId: this.vpc.id,
          cidrBlock: c.private,
          availabilityZone: az,
          mapPublicIpOnLaunch: false,
          tags: tag({ Name: `${name}-private-${az}`, "kubernetes.io/role/internal-elb": "1", ...clusterTag }),
        },
        parent,
      );
      this.privateSubnets.push(priv);
    });

    const natCount = args.natGateways === "perAz" ? args.availabilityZones.length : 1;
    for (let i = 0; i < natCount; i++) {
      const az = args.availabilityZones[i]!;
      const eip = new aws.ec2.Eip(
        `${name}-nat-${az}`,
        { domain: "vpc", tags: tag({ Name: `${name}-nat-${az}` }) },
        parent,
      );
      this.natGateways.push(
        new aws.ec2.NatGateway(
          `${name}-nat-${az}`,
          {
            allocationId: eip.id,
            subnetId: this.publicSubnets[i]!.id,
            connectivityType: "public",
            tags: tag({ Name: `${name}-nat-${az}` }),
          },
          { parent: this, dependsOn: [igw] },
        ),
      );
    }

    args.availabilityZones.forEach((az, i) => {
      // With a single NAT gateway every AZ egresses through it (cross-AZ data is cheaper than a second NAT).
      const nat = this.natGateways[Math.min(i, this.natGateways.length - 1)]!;
      const rt = new aws.ec2.RouteTable(
        `${name}-private-${az}`,
        {
          vpcId: this.vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
          tags: tag({ Name: `${name}-private-${az}` }),
        },
        parent,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-private-${az}`,
        { subnetId: this.privateSubnets[i]!.id, routeTableId: rt.id },
        parent,
      );
    });

    this.privateSubnetIds = pulumi.all(this.privateSubnets.map((s) => s.id));
    this.publicSubnetIds = pulumi.all(this.publicSubnets.map((s) => s.id));
    this.registerOutputs({ vpcId: this.vpc.id, privateSubnetIds: this.privateSubnetIds });
  }
}
