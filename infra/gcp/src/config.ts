import { commonConfigShape, readConfig } from "@llm/infra-common";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "an IPv4 CIDR");

/** Stack config of the GCP program: the shared keys (infra/common) plus these, all under `llm-platform:`. */
export const gcpConfig = z.object({
  ...commonConfigShape,
  /** Regional control plane and nodes in every zone of the region (3x the nodes) instead of one zone. Defaults to false. */
  regional: z.boolean().default(false),
  /** Zone of a zonal cluster. Defaults to `<region>-a`. */
  zone: z.string().min(1).optional(),
  /** Zones the GPU pool may use (T4s are not in every zone). Defaults to the cluster's location(s). */
  gpuNodeLocations: z.array(z.string().min(1)).min(1).optional(),
  /** GKE release channel. Defaults to `REGULAR`. */
  releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]).default("REGULAR"),
  /** Refuse `pulumi destroy` of the cluster until this is set false. Defaults to true. */
  deletionProtection: z.boolean().default(true),
  /** Primary range of the node subnet. Defaults to `10.10.0.0/20`. */
  subnetCidr: cidr.default("10.10.0.0/20"),
  /** Secondary range for pods (VPC-native). Defaults to `10.20.0.0/14`. */
  podsCidr: cidr.default("10.20.0.0/14"),
  /** Secondary range for services. Defaults to `10.24.0.0/20`. */
  servicesCidr: cidr.default("10.24.0.0/20"),
  /** /28 for the control plane's private endpoint peering. Defaults to `172.16.0.16/28`. */
  masterCidr: cidr.default("172.16.0.16/28"),
  /** CIDRs allowed to reach the public control-plane endpoint. Defaults to `["0.0.0.0/0"]`. */
  masterAuthorizedCidrs: z.array(cidr).min(1).default(["0.0.0.0/0"]),
  /** Kubernetes service account of the cost exporter (in appsNamespace) bound to a GCP service account. Defaults to `exporters`. */
  exporterServiceAccount: z.string().min(1).default("exporters"),
  /** Artifact Registry repository id for this repo's images. Defaults to `llm`. */
  artifactRepository: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/)
    .default("llm"),
});
export type GcpConfig = z.infer<typeof gcpConfig> & {
  /** GCP project, from the provider's `gcp:project` config (required). */
  project: string;
  /** GCP region, from `gcp:region`. Defaults to `us-central1`. */
  region: string;
  /** Cluster location: the region (regional) or the zone. */
  location: string;
};

/** Reads and validates the GCP stack config; errors name the key. */
export function loadGcpConfig(): GcpConfig {
  const provider = new pulumi.Config("gcp");
  const project = provider.get("project");
  if (!project)
    throw new pulumi.RunError(
      "invalid stack config: gcp:project: required (pulumi config set gcp:project <id>)",
    );
  const cfg = readConfig(gcpConfig);
  const region = provider.get("region") ?? "us-central1";
  const location = cfg.regional ? region : (cfg.zone ?? `${region}-a`);
  return { ...cfg, project, region, location };
}
