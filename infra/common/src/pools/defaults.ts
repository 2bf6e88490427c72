import { z } from "zod";
import type { CatalogModel } from "../models/catalog.js";
import type { ClusterCloud } from "../naming/naming.js";
import type { NodePoolSpec, PoolRole, TaintSpec } from "./node-pool-spec.js";

/** Label every runtime pod's nodeSelector uses to pick its pool (`cpu` or `gpu`). */
export const POOL_LABEL = "llm.platform/pool";
/** Label naming the accelerator of a node (`nvidia-t4` on GPU pools). */
export const ACCELERATOR_LABEL = "llm.platform/accelerator";
/**
 * The label cluster-autoscaler on AWS reads to know a node has a GPU before the device plugin
 * advertises `nvidia.com/gpu`; without it the autoscaler sees a node "without GPU" while the plugin
 * starts and adds a second GPU node (kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/
 * README.md, "Special note on GPU instances": `k8s.amazonaws.com/accelerator=<gpu-type>`).
 */
export const AWS_ACCELERATOR_LABEL = "k8s.amazonaws.com/accelerator";

/**
 * The taint that keeps non-GPU pods off GPU nodes. EKS uses the value `true` (the value in the
 * issue, and what cluster-autoscaler's node-template tag repeats); GKE puts
 * `nvidia.com/gpu=present:NoSchedule` on GPU nodes itself, and AKS follows the same convention.
 */
export function gpuTaint(cloud: ClusterCloud): TaintSpec {
  return { key: "nvidia.com/gpu", value: cloud === "aws" ? "true" : "present", effect: "NoSchedule" };
}

/** AKS adds this taint to every Spot pool; declaring it keeps Pulumi's view equal to Azure's. */
export const AKS_SPOT_TAINT: TaintSpec = {
  key: "kubernetes.azure.com/scalesetpriority",
  value: "spot",
  effect: "NoSchedule",
};

const cpuTypes: Record<ClusterCloud, string> = {
  // 4 vCPU / 16 GiB holds one CPU runtime (2 vCPU / 4 GiB) next to the platform pods.
  aws: "m6i.xlarge",
  gcp: "e2-standard-4",
  azure: "Standard_D4s_v5",
};

const gpuTypes: Record<ClusterCloud, string[]> = {
  // The cheapest single-T4 shape first (pricing and fit use it). Spot capacity of one type is
  // often short, so the EKS group may also take the next single-T4 size; cluster-autoscaler builds
  // its scale-from-zero template from the first type, the smaller one, so it never over-promises.
  aws: ["g4dn.xlarge", "g4dn.2xlarge"],
  // GKE and AKS pools have one machine type each.
  gcp: ["n1-standard-4"],
  azure: ["Standard_NC4as_T4_v3"],
};

/** Labels of the GPU pool: ours, plus the accelerator label cluster-autoscaler reads on AWS. */
function gpuLabels(cloud: ClusterCloud): Record<string, string> {
  const labels: Record<string, string> = { [POOL_LABEL]: "gpu", [ACCELERATOR_LABEL]: "nvidia-t4" };
  if (cloud === "aws") labels[AWS_ACCELERATOR_LABEL] = "nvidia-tesla-t4";
  return labels;
}

/**
 * Taints a GPU node carries. AKS puts the spot taint on Spot pools only, so it is declared only
 * when the pool is spot (declaring it on a regular pool would keep every pod without the
 * toleration off nodes that have no such taint in Azure's view).
 */
export function gpuPoolTaints(cloud: ClusterCloud, spot: boolean): TaintSpec[] {
  const taints = [gpuTaint(cloud)];
  if (cloud === "azure" && spot) taints.unshift(AKS_SPOT_TAINT);
  return taints;
}

/** The default CPU and GPU pool of each cloud. */
export function defaultPools(cloud: ClusterCloud): Record<PoolRole, NodePoolSpec> {
  const taints = gpuPoolTaints(cloud, true);
  return {
    cpu: {
      role: "cpu",
      spot: false,
      instanceTypes: [cpuTypes[cloud]],
      minNodes: 1,
      maxNodes: 3,
      desiredNodes: 2,
      labels: { [POOL_LABEL]: "cpu" },
      taints: [],
      diskSizeGb: 50,
    },
    gpu: {
      role: "gpu",
      spot: true,
      instanceTypes: [...gpuTypes[cloud]],
      // Scale to zero: no GPU node (and no GPU bill) until a GPU runtime pod is pending.
      minNodes: 0,
      maxNodes: 2,
      desiredNodes: 0,
      labels: gpuLabels(cloud),
      taints,
      diskSizeGb: 100,
    },
  };
}

/** USD per node-hour of a pool's primary type, on-demand and spot. */
export interface PoolPrice {
  onDemand: number;
  spot: number;
}

/**
 * List prices (USD/hour, Linux, no discounts) of the default types, checked November 2026.
 * Spot prices move hourly; these are typical values, override them per stack in
 * `llm-platform:prices`. Sources: aws.amazon.com/ec2/pricing/on-demand and the EC2 Spot
 * pricing history (us-east-1); cloud.google.com/compute/vm-instance-pricing and
 * /compute/gpus-pricing (us-central1; the GPU pool price is the n1-standard-4 VM plus one T4);
 * azure.microsoft.com/pricing/details/virtual-machines/linux (East US).
 */
export const defaultPrices: Record<ClusterCloud, Record<PoolRole, PoolPrice>> = {
  aws: {
    cpu: { onDemand: 0.192, spot: 0.08 },
    // g4dn.xlarge: 0.526 on-demand; spot typically 0.16-0.21.
    gpu: { onDemand: 0.526, spot: 0.19 },
  },
  gcp: {
    cpu: { onDemand: 0.134, spot: 0.04 },
    // n1-standard-4 0.19 + T4 0.35 on-demand; spot about 0.04 + 0.14.
    gpu: { onDemand: 0.54, spot: 0.18 },
  },
  azure: {
    cpu: { onDemand: 0.192, spot: 0.04 },
    // Standard_NC4as_T4_v3: 0.526 pay-as-you-go; spot typically 0.10-0.16.
    gpu: { onDemand: 0.526, spot: 0.13 },
  },
};

/** What a pool offers beyond its model: features the router may route on, and the accelerator. */
export interface PoolCapabilities {
  features: string[];
  accelerator: "cpu" | "nvidia-t4" | "nvidia";
}

/**
 * Default model per pool, by `models/catalog.yaml` name (the catalog gives URI, digest and
 * context): TinyLlama Q4_K_M on CPU, Llama 2 7B Q4_K_M fully offloaded on the T4.
 */
export const defaultModels: Record<PoolRole, string> = {
  cpu: "tinyllama-1.1b-chat-q4_k_m",
  gpu: "llama-2-7b-chat-q4_k_m",
};

/** Default features and accelerator per pool (features: see `modelFeatures`). */
export const defaultCapabilities: Record<PoolRole, PoolCapabilities> = {
  cpu: { features: [], accelerator: "cpu" },
  gpu: { features: [], accelerator: "nvidia-t4" },
};

const features = z.array(z.string().min(1)).optional();

/**
 * A pool's default `features`: what its catalog model declares (`features` in models/catalog.yaml,
 * e.g. `[tools]` for a model whose template has tool calls), else `fallback`. This is the router's
 * prior for a pool until its runtime reports its own (a cold scale-to-zero pool keeps it, so a
 * tools request can still wake it). `capabilities.<pool>.features` in stack config wins over both.
 */
export function modelFeatures(catalog: CatalogModel[], model: string, fallback: string[]): string[] {
  const declared = features.safeParse(catalog.find((m) => m.name === model)?.features);
  if (!declared.success) throw new Error(`models/catalog.yaml: ${model}.features must be a list of names`);
  return declared.data ? [...declared.data] : [...fallback];
}
