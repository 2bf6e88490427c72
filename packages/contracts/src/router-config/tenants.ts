import { z } from "zod";
import { keyRoleFields, oidcSection } from "./admin-keys.js";

/**
 * Config sections for tenants, shared state and the admin API; routerConfigSchema embeds them.
 * `${ENV}` references are resolved before these run, so a `key` may come from the environment
 * while the file itself holds only hashes.
 */

const sha256Hex = z
  .string()
  .transform((v) => v.replace(/^sha256:/, "").toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest (optionally prefixed sha256:)"));

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-'");

export const rateLimitSection = z
  .object({
    /** Requests admitted per minute (token bucket, bursts up to the full minute). */
    requestsPerMinute: z.number().positive().optional(),
    /** Prompt + max completion tokens admitted per minute; settled to actual usage afterwards. */
    tokensPerMinute: z.number().positive().optional(),
    /** Requests in flight at once. */
    concurrent: z.number().int().positive().optional(),
  })
  .strict();
export type RateLimitConfig = z.infer<typeof rateLimitSection>;

export const budgetSection = z
  .object({
    /** Hard daily limit, USD (UTC day). Requests beyond it get 429 insufficient_quota. */
    dailyUsd: z.number().nonnegative().optional(),
    /** Hard monthly limit, USD (UTC calendar month). */
    monthlyUsd: z.number().nonnegative().optional(),
    /** Fractions of a limit at which an alert fires once per period. Defaults to [0.8]. */
    alertThresholds: z.array(z.number().gt(0).max(1)).default([0.8]),
    /** URL that receives a JSON POST for each alert (in addition to the log event). */
    alertWebhook: z.url().optional(),
  })
  .strict();
export type BudgetConfig = z.infer<typeof budgetSection>;

/** Who may use a key or tenant: model names (as requested) and target names; absent means all. */
const accessFields = {
  allowedModels: z.array(z.string().min(1)).optional(),
  allowedTargets: z.array(z.string().min(1)).optional(),
  budgets: budgetSection.optional(),
  rateLimit: rateLimitSection.optional(),
};

export const apiKeySection = z
  .object({
    /** Stable id of the key, used in logs, metrics and the ledger (never the key itself). */
    id,
    /** sha256 of the key, hex. Preferred: the config then holds no secret. */
    keyHash: sha256Hex.optional(),
    /** The key itself, usually `${ENV_VAR}`; hashed at start-up and never kept. */
    key: z.string().min(16, "keys must be at least 16 characters").optional(),
    ...accessFields,
    ...keyRoleFields,
  })
  .strict()
  .refine((k) => (k.keyHash === undefined) !== (k.key === undefined), {
    message: "set exactly one of keyHash or key",
    path: ["keyHash"],
  });
export type ApiKeyConfig = z.infer<typeof apiKeySection>;

export const tenantSection = z
  .object({
    id,
    /** Display name for admin listings. */
    name: z.string().optional(),
    /**
     * Opt-in: decision events (admin event stream, webhooks) carry the request's last user
     * message (`prompt`, at most 2000 characters). Defaults to false: events carry no prompt text.
     */
    eventPrompts: z.boolean().optional(),
    keys: z.array(apiKeySection).min(1),
    ...accessFields,
  })
  .strict();
export type TenantConfig = z.infer<typeof tenantSection>;

export const tenantsConfigSection = z
  .array(tenantSection)
  .optional()
  .superRefine((tenants, ctx) => {
    const ids = new Set<string>();
    const keyIds = new Set<string>();
    tenants?.forEach((t, i) => {
      if (ids.has(t.id))
        ctx.addIssue({ code: "custom", path: [i, "id"], message: `duplicate tenant id "${t.id}"` });
      ids.add(t.id);
      t.keys.forEach((k, j) => {
        if (keyIds.has(k.id))
          ctx.addIssue({ code: "custom", path: [i, "keys", j, "id"], message: `duplicate key id "${k.id}"` });
        keyIds.add(k.id);
      });
    });
  });

export const stateConfigSection = z
  .object({
    /** Shared Redis for rate limits, concurrency and spend across replicas; in-memory when absent. */
    redis: z
      .union([
        z.string().transform((url) => ({ url })),
        z.object({ url: z.string(), keyPrefix: z.string().optional() }).strict(),
      ])
      .pipe(
        z.object({
          url: z.string().regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL"),
          keyPrefix: z.string().optional(),
        }),
      )
      .optional(),
    /** Usage ledger: in-memory ring (and aggregates) by default. */
    ledger: z
      .object({
        /** Individual records kept for /admin/usage queries (oldest dropped first). Defaults to 100000. */
        maxRecords: z.number().int().positive().default(100_000),
      })
      .strict()
      .optional(),
  })
  .strict()
  .optional();
export type StateConfig = z.infer<typeof stateConfigSection>;

export const adminConfigSection = z
  .object({
    /** sha256 hex of the admin key; or `key` (e.g. `${ROUTER_ADMIN_KEY}`). Without either the admin API is off. */
    keyHash: sha256Hex.optional(),
    key: z.string().min(16, "keys must be at least 16 characters").optional(),
    /** File where providers added through the admin API persist (API keys encrypted). */
    stateFile: z.string().min(1).optional(),
    /** Append-only JSON-lines audit log of admin actions and key use. */
    auditLog: z.string().min(1).optional(),
    /** File holding the base64 32-byte state encryption key (instead of env ROUTER_STATE_KEY). */
    stateKeyFile: z.string().min(1).optional(),
    /** OIDC/JWT bearer tokens accepted by the admin API besides the admin key (admin-keys.ts). */
    oidc: oidcSection.optional(),
  })
  .strict()
  .refine((a) => !(a.keyHash && a.key), { message: "set only one of keyHash or key", path: ["keyHash"] })
  .optional();
export type AdminConfig = z.infer<typeof adminConfigSection>;
