import { commonConfigShape, readConfig } from "@llm/infra-common";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "an IPv4 CIDR");

/** Stack config of the Azure program: the shared keys (infra/common) plus these, all under `llm-platform:`. */
export const azureConfig = z.object({
  ...commonConfigShape,
  /** VNet address space. Defaults to `10.30.0.0/16`. */
  vnetCidr: cidr.default("10.30.0.0/16"),
  /** Node subnet (with overlay networking pods do not take VNet IPs, so a /20 is plenty). Defaults to `10.30.0.0/20`. */
  nodeSubnetCidr: cidr.default("10.30.0.0/20"),
  /** Overlay pod CIDR (must not overlap the VNet). Defaults to `192.168.0.0/16`. */
  podCidr: cidr.default("192.168.0.0/16"),
  /** Service CIDR (must not overlap the VNet). Defaults to `172.20.0.0/16`. */
  serviceCidr: cidr.default("172.20.0.0/16"),
  /** Cluster DNS service IP, inside serviceCidr. Defaults to `172.20.0.10`. */
  dnsServiceIp: z.ipv4().default("172.20.0.10"),
  /** AKS control-plane tier: `Free` (no SLA, $0) or `Standard` (SLA, $0.10/h). Defaults to `Free`. */
  skuTier: z.enum(["Free", "Standard"]).default("Free"),
  /** Spot max price in USD/h; -1 means "up to the on-demand price" (evicted only for capacity). Defaults to -1. */
  spotMaxPrice: z.number().min(-1).default(-1),
  /** How long a node must be unneeded before the autoscaler removes it. Defaults to `10m`. */
  scaleDownUnneededTime: z
    .string()
    .regex(/^\d+m$/)
    .default("10m"),
  /** ACR name (globally unique, 5-50 alphanumerics). Defaults to `llm<stack>` without dashes. */
  acrName: z
    .string()
    .regex(/^[a-zA-Z0-9]{5,50}$/)
    .optional(),
});
export type AzureConfig = z.infer<typeof azureConfig> & {
  /** Azure region, from the provider's `azure-native:location` config. Defaults to `eastus`. */
  location: string;
  /** Kubernetes version after applying the AKS default. */
  kubernetesVersion: string;
};

/** A generally available AKS minor at the time of writing. */
export const DEFAULT_AKS_VERSION = "1.34";

/** Reads and validates the Azure stack config; errors name the key. */
export function loadAzureConfig(): AzureConfig {
  const cfg = readConfig(azureConfig);
  const location = new pulumi.Config("azure-native").get("location") ?? "eastus";
  return { ...cfg, location, kubernetesVersion: cfg.kubernetesVersion ?? DEFAULT_AKS_VERSION };
}
