import { z } from "zod";

/**
 * Roles and OIDC settings of the router's admin API (router/README.md § Admin API).
 * `admin` may do everything, `viewer` read everything, `tenant-admin` manage one tenant's keys,
 * budgets and usage, `user` (the default for an API key) use the playground and read its own usage.
 */
export const ROLES = ["admin", "viewer", "tenant-admin", "user"] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Optional OIDC/JWT bearer tokens for the admin API, verified against the issuer's JWKS. */
export const oidcSection = z
  .object({
    /** Expected `iss` claim. */
    issuer: z.string().min(1),
    /** Expected `aud` claim (one value or several accepted ones). */
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** Where the signing keys are published (`.well-known/jwks.json`). */
    jwksUrl: z.url(),
    /** Claim holding the role (a string or an array, e.g. groups). Defaults to `role`. */
    roleClaim: z.string().min(1).default("role"),
    /** Claim holding the tenant id (required for `tenant-admin` and `user`). Defaults to `tenant`. */
    tenantClaim: z.string().min(1).default("tenant"),
    /** Claim value -> role (`{ "llm-admins": "admin" }`). Without it, values that are role names map to themselves. */
    roles: z.record(z.string(), roleSchema).optional(),
    /** Allowed clock skew, seconds. Defaults to 30. */
    clockToleranceSec: z.number().int().nonnegative().default(30),
  })
  .strict();
export type OidcConfig = z.infer<typeof oidcSection>;

/** Key fields the admin API adds to a YAML key: its role and an optional expiry. */
export const keyRoleFields = {
  /** What the key may do in the admin API. Defaults to `user`. */
  role: roleSchema.optional(),
  /** After this instant (ISO 8601) the key is refused with 401. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
};
