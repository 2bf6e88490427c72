import type { AccessGuard, Reservation, TenantContext } from "./types.js";

const ANONYMOUS: TenantContext = { tenantId: "anonymous", keyId: "none", isAdmin: false };

/**
 * The guard used when no tenants are configured: every request is accepted without a key
 * and nothing is limited. createApp warns once at start-up when it falls back to this.
 */
export function createOpenGuard(): AccessGuard {
  return {
    authenticate: async () => ANONYMOUS,
    admit: async (tenant): Promise<Reservation> => ({ tenant, settle: async () => {} }),
    authorizeTarget: () => {},
  };
}
