import { z } from "zod";

/** The router's strategies (`x-router-strategy`), as router/src/config/schema.ts names them. */
export const ROUTER_STRATEGIES = ["hybrid", "cost", "latency", "cluster_first", "external_first"] as const;
export type RouterStrategy = (typeof ROUTER_STRATEGIES)[number];

/** What a caller needs from one request; the client turns it into router headers. */
export const requirementsSchema = z
  .object({
    /** How latency-sensitive the request is: `low` latency wanted, `medium`, or `high` latency tolerated. */
    latency: z.enum(["low", "medium", "high"]).optional(),
    /** Cost preference: `minimize`, `balanced` or `performance` (pay for speed). */
    cost: z.enum(["minimize", "balanced", "performance"]).optional(),
    /**
     * Preferred region(s) (`us-east-1`, or `eu-west-1,eu-central-1`), sent as `x-router-region`:
     * the router ranks targets there first and keeps the others as fallback.
     */
    region: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9-]{0,63}( *, *[A-Za-z0-9][A-Za-z0-9-]{0,63})*$/,
        "region names, comma-separated",
      )
      .optional(),
    /** `require` keeps the request inside `region` (data residency); `prefer` (router default) does not. */
    regionPolicy: z.enum(["prefer", "require"]).optional(),
    /** Pin one router target by name (`x-router-target`): no other target, no failover. */
    target: z.string().min(1).max(128).optional(),
    /** Explicit strategy; overrides what `latency`/`cost` map to. */
    strategy: z.enum(ROUTER_STRATEGIES).optional(),
  })
  .strict();
export type Requirements = z.infer<typeof requirementsSchema>;

/**
 * Maps requirements onto a router strategy:
 *
 * | requirements                                   | x-router-strategy |
 * |------------------------------------------------|-------------------|
 * | `strategy` set                                 | that strategy     |
 * | latency `low` and cost `minimize` (conflict)   | `hybrid`          |
 * | latency `low`, or cost `performance`           | `latency`         |
 * | cost `minimize`, or latency `high`             | `cost`            |
 * | latency `medium` / cost `balanced`             | `hybrid`          |
 * | nothing set                                    | no header (router default) |
 */
export function strategyFor(r: Requirements): RouterStrategy | undefined {
  if (r.strategy) return r.strategy;
  const fast = r.latency === "low" || r.cost === "performance";
  const cheap = r.cost === "minimize" || r.latency === "high";
  if (fast && cheap) return "hybrid";
  if (fast) return "latency";
  if (cheap) return "cost";
  if (r.latency === "medium" || r.cost === "balanced") return "hybrid";
  return undefined;
}

/** Router request headers for the requirements (validated; throws naming the bad field). */
export function requirementsToHeaders(input: Requirements | undefined): Record<string, string> {
  if (!input) return {};
  const parsed = requirementsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TypeError(`requirements.${issue.path.join(".")}: ${issue.message}`);
  }
  const r = parsed.data;
  const headers: Record<string, string> = {};
  const strategy = strategyFor(r);
  if (strategy) headers["x-router-strategy"] = strategy;
  if (r.target) headers["x-router-target"] = r.target;
  if (r.region) headers["x-router-region"] = r.region;
  if (r.regionPolicy) {
    if (!r.region) throw new TypeError("requirements.regionPolicy: needs requirements.region");
    headers["x-router-region-policy"] = r.regionPolicy;
  }
  return headers;
}
