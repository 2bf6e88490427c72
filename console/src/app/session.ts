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

/**
 * What each role sees (router README § Admin API): viewers read dashboards, keys and tenants
 * (no changes); tenant admins manage their own tenant; a user key has the playground and its own
 * tenant's analytics and events.
 */
export const PAGES: Record<Role, Page[]> = {
  admin: ["playground", "dashboard", "keys"],
  "tenant-admin": ["playground", "dashboard", "keys"],
  viewer: ["dashboard", "keys"],
  user: ["playground", "dashboard"],
};

/** Whether a role may change keys, tenants and limits (a viewer only reads). */
export const canManage = (role: Role) => role === "admin" || role === "tenant-admin";

const ROLES = new Set<Role>(["admin", "viewer", "tenant-admin", "user"]);

/**
 * Which role this key has: `GET /admin/me` (`{role, tenant, keyId, via}`) says so. A router without
 * it (404) is probed instead: the admin key opens `/admin/providers`; any key `/v1/models` accepts
 * is a user key (an older admin API answers 401 to those).
 */
export async function identify(key: string): Promise<Session> {
  const me = await call("/admin/me", {}, key);
  if (me.ok) {
    const body = (await me.json()) as { role?: string; tenant?: string | null };
    const role = (ROLES.has(body.role as Role) ? body.role : "user") as Role;
    return { key, role, ...(body.tenant ? { tenant: body.tenant } : {}) };
  }
  if (me.status !== 404 && me.status !== 401 && me.status !== 403)
    throw new ApiError(me.status, `The router answered ${me.status} to /admin/me`);
  if (me.status === 404 && (await call("/admin/providers", {}, key)).ok) return { key, role: "admin" };
  const models = await call("/v1/models", {}, key);
  if (models.ok) return { key, role: "user" };
  throw new ApiError(
    models.status,
    models.status === 401 ? "This key is not accepted" : `HTTP ${models.status}`,
  );
}
