import { HttpError, type Role } from "@llm/contracts";
import type { Request } from "express";
import type { TenantAccessGuard } from "../tenants/guard.js";
import { presentedKey } from "../tenants/keys.js";
import { looksLikeJwt, type OidcVerifier } from "./oidc.js";

/** Who is calling the admin API, and with which role. */
export interface Principal {
  role: Role;
  /** The tenant a tenant-admin or user is confined to (also set for a tenant's viewer/admin key). */
  tenant: string | null;
  /** Key id, `admin` for the admin key, the token's subject for OIDC. */
  keyId: string;
  via: "admin-key" | "api-key" | "oidc";
}

export interface PrincipalDeps {
  guard: TenantAccessGuard;
  oidc?: () => OidcVerifier | undefined;
  now: () => number;
}

/**
 * The admin key, a tenant key (YAML or minted, with its role; `user` by default) or a verified
 * OIDC token; undefined when the request presents none of them. An expired key is a 401 here as
 * on the inference endpoints.
 */
export async function resolvePrincipal(req: Request, deps: PrincipalDeps): Promise<Principal | undefined> {
  const token = presentedKey(req);
  if (token === undefined) return undefined;
  if (deps.guard.isAdminRequest(req))
    return { role: "admin", tenant: null, keyId: "admin", via: "admin-key" };
  const entry = deps.guard.presentedEntry(req);
  if (entry) {
    if (entry.expiresAt !== undefined && entry.expiresAt <= deps.now())
      throw new HttpError(401, "This API key has expired", { code: "invalid_api_key" });
    return { role: entry.key.role ?? "user", tenant: entry.tenant.id, keyId: entry.key.id, via: "api-key" };
  }
  const oidc = deps.oidc?.();
  if (oidc && looksLikeJwt(token)) {
    const g = await oidc.verify(token);
    return { role: g.role, tenant: g.tenant, keyId: g.subject, via: "oidc" };
  }
  return undefined;
}

/** 403 unless the caller has one of `roles`. */
export function requireRole(p: Principal, ...roles: Role[]): void {
  if (!roles.includes(p.role))
    throw new HttpError(403, `The ${p.role} role may not do this`, { code: "permission_denied" });
}

/** Roles confined to their own tenant. */
export const confined = (p: Principal): boolean => p.role === "tenant-admin" || p.role === "user";

/**
 * The tenant a request may see: its own for confined roles (403 when it asks for another one),
 * else the one asked for (undefined: all).
 */
export function tenantScope(p: Principal, asked: string | undefined): string | undefined {
  if (!confined(p)) return asked;
  if (asked !== undefined && asked !== p.tenant)
    throw new HttpError(403, `This credential may not access tenant '${asked}'`, {
      code: "permission_denied",
    });
  return p.tenant ?? undefined;
}

/** 403 unless `p` may change things of `tenant` (admin: any; tenant-admin: its own). */
export function requireTenantAdmin(p: Principal, tenant: string): void {
  if (p.role === "admin") return;
  if (p.role === "tenant-admin" && p.tenant === tenant) return;
  throw new HttpError(403, `The ${p.role} role may not change tenant '${tenant}'`, {
    code: "permission_denied",
  });
}
