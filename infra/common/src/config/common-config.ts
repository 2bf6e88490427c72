import { authMode, imageRef } from "@llm/contracts";
import { z } from "zod";
import { nodePoolOverride } from "../pools/node-pool-spec.js";
import { isPlaceholderRepo, noPlaceholder } from "./placeholders.js";

const price = z.object({ onDemand: z.number().nonnegative(), spot: z.number().nonnegative() }).strict();
const capabilities = z
  .object({
    /** The one `models/catalog.yaml` entry the pool's runtime serves (a list for the router's shape). */
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
   * DNS domain of this cluster's endpoints: pools answer at `https://<pool>.<domain>`, the cost
   * exporter at `https://exporter.<domain>`. Required; `example.*` placeholders are refused.
   */
  domain: noPlaceholder(
    z
      .string()
      .regex(
        /^(?=.{3,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$/,
        "a lowercase DNS domain such as aws.llm.acme.io",
      ),
  ),
  /** Runtime endpoints per pool when they are not `https://<pool>.<domain>`. Defaults to none. */
  endpoints: z.object({ cpu: z.url().optional(), gpu: z.url().optional() }).strict().default({}),
  /** URL the router reads the cost exporter's live prices from. Defaults to `https://exporter.<domain>/v1/pools`. */
  exporterEndpoint: noPlaceholder(z.url()).optional(),
  /**
   * Public URL of the router (the global stack's `routerHostname`). KEDA in this cluster polls
   * `<routerUrl>/scaling/<target>` to wake the GPU pool. Required while the GPU pool is enabled and
   * apps are deployed; `example.*` placeholders are refused.
   */
  routerUrl: noPlaceholder(z.url()).optional(),
  /**
   * Bearer token KEDA sends to `/scaling/*` (set with `pulumi config set --secret`; the same value
   * in every cloud stack, the router accepts one). Defaults to a generated 48-character secret.
   */
  scalingToken: z.string().min(16).optional(),
  /** Build and push the runtime, router and exporter images to this stack's registry. Defaults to true. */
  buildImages: z.boolean().default(true),
  /**
   * Images built elsewhere, `{runtime, runtimeCuda, router, exporter}` each `{registry, repository,
   * digest}`; required when buildImages is false. Defaults to none.
   */
  images: z
    .object({ runtime: imageRef, runtimeCuda: imageRef, router: imageRef, exporter: imageRef })
    .partial()
    .strict()
    .optional(),
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
  /** Git repository Argo CD syncs `clusters/` and `charts/` from (argocd mode, required there): your fork. */
  gitRepoUrl: z
    .url()
    .refine((u) => !isPlaceholderRepo(u), {
      message: "is a documentation placeholder: set the URL of your fork",
    })
    .optional(),
  /** Git revision (branch, tag or commit) every Application of this cluster follows (argocd mode). Defaults to `main`. */
  gitRevision: z.string().min(1).optional(),
  /** Overlay Argo CD syncs: `clusters/<cloud>/overlays/<overlay>` (argocd mode). Defaults to the environment. */
  overlay: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  /** Namespace of the runtime and exporter releases. Defaults to `llm`. */
  appsNamespace: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default("llm"),
  /** Contact address for Let's Encrypt (cert-manager ClusterIssuer). Required; `example.*` addresses are refused. */
  acmeEmail: noPlaceholder(z.email()),
};

export const commonConfig = z.object(commonConfigShape);
export type CommonConfig = z.infer<typeof commonConfig>;
