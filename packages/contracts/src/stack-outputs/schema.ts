import { z } from "zod";

/** Node pools every cluster has: an on-demand CPU pool and a spot GPU pool that scales to zero. */
export const poolName = z.enum(["cpu", "gpu"]);
export type PoolName = z.infer<typeof poolName>;

export const cloudName = z.enum(["aws", "gcp", "azure", "local"]);
export type CloudName = z.infer<typeof cloudName>;

export const authMode = z.enum(["hmac", "mtls", "none"]);
export type AuthMode = z.infer<typeof authMode>;

/** What one node pool offers to the router. */
export const poolOutput = z
  .object({
    /** Base URL of the pool's runtime service, e.g. https://cpu.llm.example.com */
    endpoint: z.string().url(),
    /** Instance/VM type of the pool's nodes. */
    instanceType: z.string().min(1),
    /** USD per node-hour, on-demand and spot list prices. */
    pricePerHour: z.object({ onDemand: z.number().nonnegative(), spot: z.number().nonnegative() }).strict(),
    /** Which of the two prices applies to this pool. */
    capacityType: z.enum(["on-demand", "spot"]),
    minNodes: z.number().int().nonnegative(),
    maxNodes: z.number().int().positive(),
    /** What the pool's runtime serves. */
    capabilities: z
      .object({
        models: z.array(z.string().min(1)).min(1),
        contextLength: z.number().int().positive(),
        features: z.array(z.string()).default([]),
        accelerator: z.enum(["cpu", "nvidia-t4", "nvidia"]).default("cpu"),
      })
      .strict(),
  })
  .strict();
export type PoolOutput = z.infer<typeof poolOutput>;

/**
 * One container image as a cloud stack pushed it: `<registry>/<repository>@<digest>`. Charts take
 * the three parts as `image.registry`, `image.repository` and `image.digest`.
 */
export const imageRef = z
  .object({
    /** Registry host, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com`. */
    registry: z.string().min(1),
    /** Repository path inside the registry, e.g. `llm-router`. */
    repository: z.string().min(1),
    /** Content digest of the pushed image (what pods pin to). */
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, "a sha256:<64 hex> digest"),
  })
  .strict();
export type ImageRef = z.infer<typeof imageRef>;

/** The images of this repository a cloud stack built and pushed (or was told about). */
export const stackImages = z
  .object({
    /** CPU runtime (runtime/Dockerfile). */
    runtime: imageRef,
    /** CUDA runtime (runtime/Dockerfile.cuda). */
    runtimeCuda: imageRef,
    /** Router (router/Dockerfile). */
    router: imageRef,
    /** Cost exporter (exporters/Dockerfile). */
    exporter: imageRef,
  })
  .strict();
export type StackImages = z.infer<typeof stackImages>;

/**
 * The one output shape every cloud stack exports (and `pulumi stack output --json --show-secrets` prints).
 * Secret values arrive as plain strings only when the caller asked for them with --show-secrets.
 */
export const stackOutputs = z
  .object({
    cloud: cloudName,
    region: z.string().min(1),
    clusterName: z.string().min(1),
    kubeconfig: z.string().optional(),
    authMode,
    /** Shared HMAC secret the router signs with; present when authMode is hmac. */
    hmacSecret: z.string().min(16).optional(),
    pools: z.object({ cpu: poolOutput, gpu: poolOutput.optional() }).strict(),
    /** URL of the cluster's cost exporter metrics (llm_cluster_cost_per_1k_tokens), when exposed. */
    exporterEndpoint: z.string().url().optional(),
    /**
     * Public addresses (IPs) of the cluster's ingress load balancer, reserved by the stack: the
     * global stack points the pool and exporter host names at them.
     */
    ingressAddresses: z.array(z.string().min(1)).min(1).optional(),
    /** Bearer token KEDA in this cluster sends to the router's `/scaling/<target>` (secret). */
    scalingToken: z.string().min(16).optional(),
    /** Images the stack pushed to its registry (the global stack deploys the router image from here). */
    images: stackImages.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.authMode === "hmac" && !v.hmacSecret)
      ctx.addIssue({
        code: "custom",
        path: ["hmacSecret"],
        message: "hmacSecret is required when authMode is hmac",
      });
  });
export type StackOutputs = z.infer<typeof stackOutputs>;
