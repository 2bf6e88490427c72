import { authMode } from "@llm/contracts";
import { z } from "zod";
import { nodePoolOverride } from "../pools/node-pool-spec.js";

const price = z.object({ onDemand: z.number().nonnegative(), spot: z.number().nonnegative() }).strict();
const capabilities = z
  .object({
    models: z.array(z.string().min(1)).min(1).optional(),
    contextLength: z.number().int().positive().optional(),
    features: z.array(z.string()).optional(),
  })
  .strict();

/**
 * Config keys every cloud stack shares (all under `llm-platform:`). Each cloud's config.ts
 * extends this with its own keys; the comment above each key is its documentation.
 */
export const commonConfigShape = {
  /** Environment label used in names and tags. Defaults to `dev`. */
  environment: z
    .string()
    .regex(/^[a-z0-9-]+$/, "lowercase letters, digits and dashes")
    .default("dev"),
  /**
   * DNS domain of this cluster's runtime endpoints: pools answer at `https://<pool>.<domain>`.
   * Defaults to `<cloud>.llm.example.com`.
   */
  domain: z.string().min(3).optional(),
  /** Runtime endpoints per pool when they are not `https://<pool>.<domain>`. Defaults to none. */
  endpoints: z.object({ cpu: z.url().optional(), gpu: z.url().optional() }).strict().default({}),
  /** URL of the cluster's cost exporter metrics, exported when set. Defaults to unset. */
  exporterEndpoint: z.url().optional(),
  /** How the router authenticates to the cluster: `hmac`, `mtls` or `none`. Defaults to `hmac`. */
  authMode: authMode.default("hmac"),
  /** Kubernetes minor version. Defaults per cloud (see the cloud's config.ts). */
  kubernetesVersion: z
    .string()
    .regex(/^1\.\d+$/, "a minor version such as 1.34")
    .optional(),
  /** Overrides of the CPU pool (instanceTypes, minNodes, maxNodes, desiredNodes, diskSizeGb). Defaults to {}. */
  cpuPool: nodePoolOverride.default({}),
  /** Overrides of the GPU pool (instanceTypes, maxNodes, spot, enabled...). Defaults to {}. */
  gpuPool: nodePoolOverride.default({}),
  /** USD per node-hour per pool, `{cpu: {onDemand, spot}, gpu: {...}}`. Defaults to the list prices in pools/defaults.ts. */
  prices: z.object({ cpu: price.optional(), gpu: price.optional() }).strict().default({}),
  /** What each pool serves: `{cpu: {models, contextLength, features}, gpu: {...}}`. Defaults to TinyLlama on CPU, Mistral 7B on GPU. */
  capabilities: z.object({ cpu: capabilities.optional(), gpu: capabilities.optional() }).strict().default({}),
  /**
   * Install the cluster platform (ingress, cert-manager, monitoring, KEDA, Argo CD, GPU plugin).
   * In argocd mode Pulumi installs only Argo CD; the app-of-apps brings the rest. Defaults to true.
   */
  installPlatform: z.boolean().default(true),
  /** Deploy this repo's apps: `helm` (Pulumi installs the charts), `argocd` (root app-of-apps) or `none`. Defaults to `helm`. */
  deployMode: z.enum(["helm", "argocd", "none"]).default("helm"),
  /** Git repository of the Argo CD root app (argocd mode). Defaults to the one in `clusters/<cloud>/root-app.yaml`. */
  gitRepoUrl: z.url().optional(),
  /** Git revision of the Argo CD root app (argocd mode). Defaults to the one in `clusters/<cloud>/root-app.yaml`. */
  gitRevision: z.string().min(1).optional(),
  /** Namespace of the runtime and exporter releases. Defaults to `llm`. */
  appsNamespace: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default("llm"),
  /** Contact address for Let's Encrypt (cert-manager ClusterIssuer). Defaults to `platform@example.com`. */
  acmeEmail: z.email().default("platform@example.com"),
};

export const commonConfig = z.object(commonConfigShape);
export type CommonConfig = z.infer<typeof commonConfig>;
