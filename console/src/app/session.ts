import { ApiError, call } from "./api.js";

/** The roles of the admin API (issue #21); `user` is a plain API key. */
export type Role = "admin" | "viewer" | "tenant-admin" | "user";

export interface Session {
  key: string;
  role: Role;
  /** The tenant a `tenant-admin` or `user` key belongs to, when the router says. */
  tenant?: string;
}

export type Page = "playground" | "dashboard" | "keys";

/** What each role sees: viewers read dashboards only, tenant admins manage their own tenant's keys. */
export const PAGES: Record<Role, Page[]> = {
  admin: ["playground", "dashboard", "keys"],
  "tenant-admin": ["playground", "dashboard", "keys"],
  viewer: ["dashboard"],
  user: ["playground"],
};

const ROLES = new Set<Role>(["admin", "viewer", "tenant-admin", "user"]);

/**
 * Which role this key has. The admin API's `GET /admin/whoami` says so; a router without it is
 * probed instead: the admin key opens `/admin/providers`, any accepted key `/v1/models`.
 */
export async function identify(key: string): Promise<Session> {
  const who = await call("/admin/whoami", {}, key);
  if (who.ok) {
    const body = (await who.json()) as { role?: string; tenant?: string | null; tenantId?: string | null };
    const role = (ROLES.has(body.role as Role) ? body.role : "user") as Role;
    const tenant = body.tenant ?? body.tenantId ?? undefined;
    return { key, role, ...(tenant ? { tenant } : {}) };
  }
  if (who.status !== 404 && who.status !== 401 && who.status !== 403)
    throw new ApiError(who.status, `The router answered ${who.status} to /admin/whoami`);
  if (who.status === 404 && (await call("/admin/providers", {}, key)).ok) return { key, role: "admin" };
  const models = await call("/v1/models", {}, key);
  if (models.ok) return { key, role: "user" };
  throw new ApiError(
    models.status,
    models.status === 401 ? "This key is not accepted" : `HTTP ${models.status}`,
  );
}
