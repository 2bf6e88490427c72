/**
 * Built-in node prices in USD per hour, Linux, no discounts. Override per pool in config
 * (`pools[].price`) when your region, contract or spot market differs; spot prices move daily.
 *
 * Sources (checked 2026-11-23 through stored copies of the public pages; the search tool could not
 * confirm every figure, so treat spot values as representative, not quotes):
 * - AWS on-demand: aws.amazon.com/ec2/pricing/on-demand, us-east-1 (g4dn.xlarge 0.526, m5/m6i.xlarge 0.192).
 *   AWS spot: aws.amazon.com/ec2/spot/pricing, us-east-1 lowest-AZ prices seen in 2025-2026 (g4dn.xlarge
 *   ~0.21, m5/m6i.xlarge ~0.08).
 * - GCP on-demand: cloud.google.com/compute/vm-instance-pricing and /compute/gpus-pricing, us-central1
 *   (n1-standard-4 0.189999, e2-standard-4 0.134012, nvidia-tesla-t4 0.35 per GPU).
 *   GCP spot: cloud.google.com/spot-vms/pricing, us-central1 (E2 spot 0.00872/vCPU + 0.001169/GiB, so
 *   e2-standard-4 = 0.0536; n1-standard-4 ~0.040; T4 ~0.14 per GPU).
 * - Azure: azure.microsoft.com/pricing/details/virtual-machines/linux, East US (Standard_NC4as_T4_v3 0.526,
 *   Standard_D4s_v5 0.192; spot ~0.158 and ~0.038).
 */
export interface NodePrice {
  /** USD/hour at on-demand (pay-as-you-go) rates. */
  onDemand: number;
  /** USD/hour at spot / preemptible rates. */
  spot: number;
}

/** Instance (VM/machine) types, keyed by the `node.kubernetes.io/instance-type` label value. */
export const instancePrices: Readonly<Record<string, NodePrice>> = {
  // AWS (us-east-1)
  "g4dn.xlarge": { onDemand: 0.526, spot: 0.2104 },
  "g4dn.2xlarge": { onDemand: 0.752, spot: 0.3008 },
  "m5.large": { onDemand: 0.096, spot: 0.04 },
  "m5.xlarge": { onDemand: 0.192, spot: 0.08 },
  "m6i.large": { onDemand: 0.096, spot: 0.04 },
  "m6i.xlarge": { onDemand: 0.192, spot: 0.08 },
  // GCP (us-central1); GPUs are priced separately, see acceleratorPrices.
  "n1-standard-4": { onDemand: 0.189999, spot: 0.04 },
  "n1-standard-8": { onDemand: 0.379998, spot: 0.08 },
  "e2-standard-4": { onDemand: 0.134012, spot: 0.0536 },
  // Azure (East US)
  Standard_NC4as_T4_v3: { onDemand: 0.526, spot: 0.1578 },
  Standard_D4s_v5: { onDemand: 0.192, spot: 0.0384 },
};

/**
 * GPUs billed on top of the machine (GKE), keyed by the `cloud.google.com/gke-accelerator` label value;
 * the price is per GPU, multiplied by the node's GPU count.
 */
export const acceleratorPrices: Readonly<Record<string, NodePrice>> = {
  "nvidia-tesla-t4": { onDemand: 0.35, spot: 0.14 },
  "nvidia-l4": { onDemand: 0.56, spot: 0.224 },
};
