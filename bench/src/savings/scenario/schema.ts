import { z } from "zod";
import { lognormalMs } from "../../compare/config/schema.js";

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "1-63 letters, digits, '.', '_' or '-'");

/** A fake cluster runtime pool behind the router. */
export const fakeCluster = z
  .object({
    name,
    /** Node pool kind. */
    pool: z.enum(["cpu", "gpu"]),
    /** USD per node-hour; the router divides it by capacity throughput (amortized $/1K). */
    costPerHour: z.number().positive(),
    /** Capacity the fake reports as `llm_runtime_capacity_tokens_per_second` and streams at (scaled by `speedup`). */
    tokensPerSecond: z.number().positive(),
    /** Time to first token in real ms. */
    ttftMs: lognormalMs,
    /** Scale-to-zero pool: starts cold and is woken by the router's pending-demand signal. Defaults to false. */
    scaleToZero: z.boolean().default(false),
    /** Simulated minutes from wake-up signal to ready (node boot + image pull + model load). Defaults to 6. */
    coldStartMinutes: z.number().min(0).default(6),
    /** Simulated idle minutes after which a scale-to-zero pool goes back to zero. Defaults to 30. */
    scaleDownAfterMinutes: z.number().positive().default(30),
  })
  .strict();
export type FakeCluster = z.infer<typeof fakeCluster>;

/** A fake external provider (OpenAI wire) with a price. */
export const fakeExternal = z
  .object({
    name,
    /** Model id the provider serves. */
    model: z.string().min(1),
    /** USD per 1M input tokens. */
    inputPer1M: z.number().min(0),
    /** USD per 1M output tokens. */
    outputPer1M: z.number().min(0),
    ttftMs: lognormalMs,
    perTokenMs: lognormalMs,
    /** Fraction of requests failing with 503. Defaults to 0. */
    errorRate: z.number().min(0).max(1).default(0),
  })
  .strict();
export type FakeExternal = z.infer<typeof fakeExternal>;

export const strategyName = z.enum(["hybrid", "cost", "latency", "cluster_first", "external_first"]);
export type StrategyName = z.infer<typeof strategyName>;

/** The savings scenario: the trace shape, the fleet, and which runs to make. */
export const savingsScenario = z
  .object({
    /** Seed of the trace and of every fake. Defaults to 42. */
    seed: z.number().int().min(0).default(42),
    /** Requests in the trace (bounded so a run stays short). Defaults to 200. */
    requests: z.number().int().min(1).max(5000).default(200),
    /** Real milliseconds the simulated day is compressed into. Defaults to 4000. */
    durationMs: z.number().int().min(100).max(60_000).default(4000),
    /** Simulated hours the trace spans (a day: one diurnal cycle). Defaults to 24. */
    simulatedHours: z
      .number()
      .positive()
      .max(24 * 7)
      .default(24),
    /** Peak-to-mean swing of the diurnal rate curve, 0..1 (0 = flat). Defaults to 0.8. */
    diurnalAmplitude: z.number().min(0).max(1).default(0.8),
    /** Simulated hour of the day with the highest rate. Defaults to 14. */
    peakHour: z.number().min(0).max(24).default(14),
    /** Fraction of long requests (long prompt, large max_tokens). Defaults to 0.25. */
    longFraction: z.number().min(0).max(1).default(0.25),
    /** Short requests: prompt tokens and max_tokens ranges. */
    short: z
      .object({
        promptTokens: z.tuple([z.number().int().positive(), z.number().int().positive()]),
        maxTokens: z.tuple([z.number().int().positive(), z.number().int().positive()]),
      })
      .strict()
      .default({ promptTokens: [30, 200], maxTokens: [16, 64] }),
    /** Long requests: prompt tokens and max_tokens ranges. */
    long: z
      .object({
        promptTokens: z.tuple([z.number().int().positive(), z.number().int().positive()]),
        maxTokens: z.tuple([z.number().int().positive(), z.number().int().positive()]),
      })
      .strict()
      .default({ promptTokens: [800, 2000], maxTokens: [128, 256] }),
    /**
     * Real-time speed-up of cluster decoding versus `tokensPerSecond`, so long generations fit the
     * compressed day (the router still sees the unscaled rate in /metrics). Defaults to 50.
     */
    speedup: z.number().min(1).max(10_000).default(50),
    clusters: z.array(fakeCluster).min(1).max(8),
    externals: z.array(fakeExternal).min(1).max(8),
    /** Strategies to replay the trace under. Defaults to all five. */
    strategies: z
      .array(strategyName)
      .min(1)
      .default(["hybrid", "cost", "latency", "cluster_first", "external_first"]),
    /** The failure run: under `strategy`, cluster `cluster` dies at fraction `at` of the trace. */
    failure: z
      .object({
        strategy: strategyName.default("hybrid"),
        cluster: name,
        at: z.number().gt(0).lt(1).default(0.5),
      })
      .strict()
      .optional(),
    /** Requests in flight at most (the replay is open-loop up to this bound). Defaults to 32. */
    maxInFlight: z.number().int().min(1).max(512).default(32),
  })
  .strict()
  .superRefine((s, ctx) => {
    for (const key of ["short", "long"] as const) {
      const r = s[key];
      if (r.promptTokens[0] > r.promptTokens[1])
        ctx.addIssue({ code: "custom", path: [key, "promptTokens"], message: "min > max" });
      if (r.maxTokens[0] > r.maxTokens[1])
        ctx.addIssue({ code: "custom", path: [key, "maxTokens"], message: "min > max" });
    }
    const names = [...s.clusters.map((c) => c.name), ...s.externals.map((e) => e.name)];
    if (new Set(names).size !== names.length)
      ctx.addIssue({ code: "custom", path: ["clusters"], message: "target names must be unique" });
    if (s.failure && !s.clusters.some((c) => c.name === s.failure?.cluster)) {
      ctx.addIssue({
        code: "custom",
        path: ["failure", "cluster"],
        message: `no cluster named "${s.failure.cluster}"`,
      });
    }
  });
export type SavingsScenario = z.infer<typeof savingsScenario>;
