import { z } from "zod";

const positive = z.number().positive();

/** A lognormal latency model in milliseconds. */
export const lognormalMs = z
  .object({
    /** Median in ms. */
    median: positive,
    /** 95th percentile in ms; must be >= median. */
    p95: positive,
  })
  .strict()
  .refine((d) => d.p95 >= d.median, { message: "p95 must be >= median", path: ["p95"] });

/** USD per 1K tokens, input and output. */
export const price = z
  .object({
    inputPer1k: z.number().min(0),
    outputPer1k: z.number().min(0),
  })
  .strict();
export type Price = z.infer<typeof price>;

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,62}$/, "letters, digits, '.', '_', ':' or '-', at most 63 chars");

/** A simulated OpenAI-compatible endpoint, served by a real local HTTP server. */
export const mockTarget = z
  .object({
    type: z.literal("mock"),
    name,
    /** Model id the mock reports. Defaults to `mock-model`. */
    model: z.string().min(1).default("mock-model"),
    /** Time to first token. */
    ttftMs: lognormalMs,
    /** Time between tokens; when absent it is derived from `tokensPerSecond` (p95 = 1.3x median). */
    perTokenMs: lognormalMs.optional(),
    /** Median decode rate; used when `perTokenMs` is absent. */
    tokensPerSecond: positive.optional(),
    /** Fraction of requests answered with a 5xx OpenAI error, 0..1. Defaults to 0. */
    errorRate: z.number().min(0).max(1).default(0),
    /** Completion length range in tokens, capped by the request's max_tokens. Defaults to max_tokens. */
    outputTokens: z
      .object({ min: z.number().int().positive(), max: z.number().int().positive() })
      .strict()
      .optional(),
    /** Price used for $/1K. */
    price,
  })
  .strict()
  .refine((t) => t.perTokenMs || t.tokensPerSecond, {
    message: "set perTokenMs or tokensPerSecond",
    path: ["perTokenMs"],
  });

/** Any OpenAI-compatible endpoint: a cloud provider, a cluster runtime or the router. */
export const httpTarget = z
  .object({
    type: z.literal("http"),
    name,
    /** Base URL including `/v1`, e.g. `http://localhost:8080/v1`. */
    baseURL: z.url({ protocol: /^https?$/ }),
    /** Name of the environment variable holding the API key (the key itself never goes in the file). */
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name")
      .optional(),
    /** Model to request. */
    model: z.string().min(1),
    /** Extra request headers, e.g. `x-router-strategy: cost`. */
    headers: z.record(z.string(), z.string()).default({}),
    /** Price for $/1K; without it the target's cost is unknown and left out of its score. */
    price: price.optional(),
  })
  .strict();

export const target = z.discriminatedUnion("type", [mockTarget, httpTarget]);
export type TargetConfig = z.infer<typeof target>;
export type MockTargetConfig = z.infer<typeof mockTarget>;
export type HttpTargetConfig = z.infer<typeof httpTarget>;

/** Score weights; they need not sum to 1 (they are normalised). */
export const weights = z
  .object({
    latency: z.number().min(0).default(0.35),
    cost: z.number().min(0).default(0.35),
    reliability: z.number().min(0).default(0.2),
    throughput: z.number().min(0).default(0.1),
  })
  .strict()
  .refine((w) => w.latency + w.cost + w.reliability + w.throughput > 0, {
    message: "some weight must be > 0",
  });
export type Weights = z.infer<typeof weights>;

/** The providers file of `pnpm bench:compare`. */
export const providersFile = z
  .object({
    /** Seed for mock targets and prompt order. Defaults to 1. */
    seed: z.number().int().min(0).default(1),
    /** Requests sent to each target (bounded). Defaults to 50. */
    requests: z.number().int().min(1).max(10_000).default(50),
    /** Requests in flight per target. Defaults to 4. */
    concurrency: z.number().int().min(1).max(256).default(4),
    /** max_tokens of every request. Defaults to 64. */
    maxTokens: z.number().int().min(1).max(8192).default(64),
    /** Per-request timeout in ms. Defaults to 60000. */
    timeoutMs: z.number().int().min(100).max(600_000).default(60_000),
    /** Score weights. */
    weights: weights.default({ latency: 0.35, cost: 0.35, reliability: 0.2, throughput: 0.1 }),
    /** Targets to compare (unique names). */
    targets: z
      .array(target)
      .min(1)
      .max(32)
      .refine((ts) => new Set(ts.map((t) => t.name)).size === ts.length, {
        message: "target names must be unique",
      }),
  })
  .strict();
export type ProvidersFile = z.infer<typeof providersFile>;
