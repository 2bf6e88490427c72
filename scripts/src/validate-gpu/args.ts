import { parseArgs } from "node:util";
import { describeIssues } from "@llm/contracts";
import { z } from "zod";

/** validate-gpu options; every flag has a default so a bare run checks the current kube context. */
export const options = z
  .object({
    /** kube context (`kubectl --context`); defaults to the current context. */
    context: z.string().min(1).optional(),
    /** Cloud of the cluster; detected from node labels or the outputs file when omitted. */
    cloud: z.enum(["aws", "gcp", "azure"]).optional(),
    /** Namespace of the runtime and of the smoke pod. Defaults to `llm`. */
    namespace: z.string().min(1).default("llm"),
    /** Seconds to wait for the smoke pod (scale from zero included). Defaults to 900. */
    timeout: z.number().positive().default(900),
    /** Skips the completion request (health is still checked). */
    skipCompletion: z.boolean().default(false),
    /** Skips both runtime checks (e.g. before the GPU runtime is deployed). */
    skipRuntime: z.boolean().default(false),
    /** Pulumi stack outputs JSON (`pulumi stack output --json`): proves the GPU pool's minNodes. */
    outputs: z.string().min(1).optional(),
    /** Node label of the GPU pool (the Pulumi pools set it). */
    poolLabel: z.string().min(1).default("llm.platform/pool"),
    /** Value of `poolLabel` on GPU nodes. */
    gpuPool: z.string().min(1).default("gpu"),
    /** Service of the GPU runtime. */
    runtimeService: z.string().min(1).default("llm-runtime-gpu"),
    /** Port of that Service. */
    runtimePort: z.number().int().min(1).max(65535).default(8000),
    /** Secret with the cluster HMAC secret (signs the completion request); unsigned when it is absent. */
    authSecret: z.string().min(1).default("llm-cluster-auth"),
    /** Key of the HMAC secret in `authSecret`. */
    authSecretKey: z.string().min(1).default("hmac-secret"),
    /** Text the smoke pod's nvidia-smi output must contain. */
    expectGpu: z.string().min(1).default("Tesla T4"),
    /** Smoke pod image. */
    image: z.string().min(1).default("nvidia/cuda:12.4.1-base-ubuntu22.04"),
    /** Milliseconds between progress polls. */
    pollMs: z.number().int().positive().default(5000),
    /** kubectl binary; defaults to `kubectl` on PATH, then `.tools/bin/kubectl`. */
    kubectl: z.string().min(1).optional(),
  })
  .strict();
export type Options = z.infer<typeof options>;

export const usage = `usage: pnpm validate-gpu [--context <kube-context>] [--cloud aws|gcp|azure] [--namespace llm]
                         [--timeout 900] [--skip-completion] [--skip-runtime] [--outputs <stack-outputs.json>]
                         [--gpu-pool gpu] [--pool-label llm.platform/pool] [--runtime-service llm-runtime-gpu]
                         [--runtime-port 8000] [--expect-gpu "Tesla T4"] [--poll-ms 5000] [--kubectl <path>]

Checks the current kube context's GPU path: pool (min 0, taint), NVIDIA device plugin, a CUDA smoke pod
(scale from zero), nvidia.com/gpu allocatable, and the GPU runtime's /health (CUDA) and one completion.
Exits 0 only when every check passes.`;

export class UsageError extends Error {}

/** Parses argv into validated options; throws UsageError naming the bad flag. */
export function parseOptions(argv: string[]): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        context: { type: "string" },
        cloud: { type: "string" },
        namespace: { type: "string" },
        timeout: { type: "string" },
        "skip-completion": { type: "boolean" },
        "skip-runtime": { type: "boolean" },
        outputs: { type: "string" },
        "pool-label": { type: "string" },
        "gpu-pool": { type: "string" },
        "runtime-service": { type: "string" },
        "runtime-port": { type: "string" },
        "auth-secret": { type: "string" },
        "auth-secret-key": { type: "string" },
        "expect-gpu": { type: "string" },
        image: { type: "string" },
        "poll-ms": { type: "string" },
        kubectl: { type: "string" },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const num = (v: unknown) => (typeof v === "string" ? Number(v) : undefined);
  const raw = {
    context: values.context,
    cloud: values.cloud,
    namespace: values.namespace,
    timeout: num(values.timeout),
    skipCompletion: values["skip-completion"],
    skipRuntime: values["skip-runtime"],
    outputs: values.outputs,
    poolLabel: values["pool-label"],
    gpuPool: values["gpu-pool"],
    runtimeService: values["runtime-service"],
    runtimePort: num(values["runtime-port"]),
    authSecret: values["auth-secret"],
    authSecretKey: values["auth-secret-key"],
    expectGpu: values["expect-gpu"],
    image: values.image,
    pollMs: num(values["poll-ms"]),
    kubectl: values.kubectl,
  };
  const result = options.safeParse(
    Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)),
  );
  if (!result.success) throw new UsageError(describeIssues(result.error));
  return result.data;
}
