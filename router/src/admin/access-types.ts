import { budgetSection, rateLimitSection, roleSchema } from "@llm/contracts";
import ms, { type StringValue } from "ms";
import { z } from "zod";

/** Tenant and key ids: the config's rule (letters, digits, `.`, `_`, `-`; 1-63). */
export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-'");

const accessFields = {
  allowedModels: z.array(z.string().min(1)).optional(),
  allowedTargets: z.array(z.string().min(1)).optional(),
  budgets: budgetSection.optional(),
  rateLimit: rateLimitSection.optional(),
};

/** A duration with a unit ("90s", "12h", "30d"), to milliseconds (a bare number is refused: seconds or ms?). */
export const spanSchema = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d|w)$/, 'must be a duration with a unit, e.g. "30d", "12h", "90s"')
  .transform((v) => ms(v as StringValue));

/** `POST /admin/tenants` and `PUT /admin/tenants/{id}` bodies. */
export const tenantInput = z
  .object({
    id: idSchema,
    name: z.string().max(200).optional(),
    /** Decision events carry the last user message (tenants[].eventPrompts). */
    eventPrompts: z.boolean().optional(),
    ...accessFields,
  })
  .strict();

/** A tenant made through the admin API, as stored. */
export const managedTenantRecord = z.object({
  id: idSchema,
  name: z.string().optional(),
  eventPrompts: z.boolean().optional(),
  ...accessFields,
  createdAt: z.string(),
});
export type ManagedTenant = z.infer<typeof managedTenantRecord>;

/** `POST /admin/keys` body. */
export const mintKeyInput = z
  .object({
    tenant: idSchema,
    name: z.string().max(200).optional(),
    role: roleSchema.default("user"),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    expiresIn: spanSchema.optional(),
    ...accessFields,
  })
  .strict()
  .refine((v) => !(v.expiresAt && v.expiresIn), {
    message: "set only one of expiresAt or expiresIn",
    path: ["expiresIn"],
  });

/** `POST /admin/keys/{id}/rotate` body (may be empty). */
export const rotateKeyInput = z
  .object({
    gracePeriod: spanSchema.optional(),
    graceSeconds: z
      .number()
      .int()
      .nonnegative()
      .max(30 * 86_400)
      .optional(),
  })
  .strict()
  .refine((v) => !(v.gracePeriod !== undefined && v.graceSeconds !== undefined), {
    message: "set only one of gracePeriod or graceSeconds",
    path: ["graceSeconds"],
  });

/** A key minted through the admin API, as stored: its sha256, never the key. */
export const managedKeyRecord = z.object({
  id: idSchema,
  name: z.string().optional(),
  tenant: idSchema,
  role: roleSchema,
  /** The key's first characters, to tell keys apart in listings. */
  prefix: z.string(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
  ...accessFields,
  /** Secrets rotated out but still accepted until `until` (ISO). */
  grace: z.array(z.object({ hash: z.string(), prefix: z.string(), until: z.string() })).default([]),
});
export type ManagedKey = z.infer<typeof managedKeyRecord>;
