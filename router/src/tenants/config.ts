import { z } from "zod";

/**
 * Config sections owned by tenants/state/admin (issue 6). The router's config schema
 * embeds these; this placeholder accepts any object until that work lands.
 */
export const tenantsConfigSection = z.array(z.record(z.string(), z.unknown())).optional();
export const stateConfigSection = z.record(z.string(), z.unknown()).optional();
export const adminConfigSection = z.record(z.string(), z.unknown()).optional();
