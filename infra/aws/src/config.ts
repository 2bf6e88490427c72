import { commonConfigShape, readConfig } from "@llm/infra-common";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/** Stack config of the AWS program: the shared keys (infra/common) plus these, all under `llm-platform:`. */
export const awsConfig = z.object({
  ...commonConfigShape,
  /** Number of availability zones the VPC spans (2-4); spot g4dn capacity is often short in one AZ. Defaults to 3. */
  azCount: z.number().int().min(2).max(4).default(3),
  /** Explicit AZ names; overrides azCount. Defaults to `<region>a`, `<region>b`, ... */
  availabilityZones: z.array(z.string().min(1)).min(2).max(4).optional(),
  /** VPC CIDR; must be a /16 (subnets are carved as /19 private and /22 public). Defaults to `10.0.0.0/16`. */
  vpcCidr: z
    .string()
    .regex(/^\d{1,3}\.\d{1,3}\.0\.0\/16$/, "an IPv4 /16 such as 10.0.0.0/16")
    .default("10.0.0.0/16"),
  /** NAT gateways: `single` (one, cheapest, one AZ of egress) or `perAz` (one per AZ, HA). Defaults to `single`. */
  natGateways: z.enum(["single", "perAz"]).default("single"),
  /** Whether the EKS API endpoint is reachable from the internet (nodes always use the private one). Defaults to true. */
  endpointPublicAccess: z.boolean().default(true),
  /** CIDRs allowed to reach the public API endpoint. Defaults to `["0.0.0.0/0"]`. */
  publicAccessCidrs: z.array(z.string().min(9)).min(1).default(["0.0.0.0/0"]),
  /** IAM principals (users/roles) granted cluster-admin through EKS access entries. Defaults to []. */
  adminPrincipalArns: z.array(z.string().startsWith("arn:")).default([]),
  /** ECR repositories to create for this repo's images. Defaults to llm-runtime, llm-router, llm-exporter. */
  ecrRepositories: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9._/-]*$/))
    .default(["llm-runtime", "llm-router", "llm-exporter"]),
});
export type AwsConfig = z.infer<typeof awsConfig> & {
  /** AWS region, from the provider's `aws:region` config. Defaults to `us-east-1`. */
  region: string;
  /** Kubernetes version after applying the AWS default (1.34). */
  kubernetesVersion: string;
};

/** Current EKS standard-support version at the time of writing. */
export const DEFAULT_EKS_VERSION = "1.34";

/** Reads and validates the AWS stack config; errors name the key. */
export function loadAwsConfig(): AwsConfig {
  const cfg = readConfig(awsConfig);
  const region = new pulumi.Config("aws").get("region") ?? "us-east-1";
  return { ...cfg, region, kubernetesVersion: cfg.kubernetesVersion ?? DEFAULT_EKS_VERSION };
}
