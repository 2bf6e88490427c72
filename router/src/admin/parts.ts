import type { Logger } from "pino";
import type { RouterConfig } from "../config/schema.js";
import type { StateStore } from "../state/types.js";
import type { TenantConfig } from "../tenants/config.js";
import { AccessStore } from "./access-store.js";
import { KeyUsage } from "./key-usage.js";
import { mergeTenants } from "./merge-tenants.js";
import { OidcVerifier } from "./oidc.js";
import { SharedStateFile } from "./state-file.js";

export interface AdminPartsOptions {
  config: RouterConfig;
  state: StateStore;
  /** True when `state` is shared by replicas (Redis): tenants and keys then live there. */
  shared: boolean;
  /** The config file's contents as last loaded. */
  base: () => RouterConfig;
  /** Applies the merged tenants (config file + API-made) to the guard. */
  applyTenants: (tenants: TenantConfig[], base: RouterConfig) => void;
  now: () => number;
  logger: Pick<Logger, "warn">;
}

/**
 * What the admin API keeps besides the provider store: API-made tenants and keys (the state
 * store with Redis, else `admin.stateFile`, else memory), last key use, and the OIDC verifier of
 * the current config. createRouterAccess builds one and calls `tenants(base)` on every reload.
 */
export class AdminParts {
  readonly file: SharedStateFile | undefined;
  readonly keyUsage: KeyUsage;
  readonly access: AccessStore;
  private oidcVerifier: OidcVerifier | undefined;
  private oidcConfig = "";

  constructor(private readonly o: AdminPartsOptions) {
    const kv = o.shared ? o.state.kv.namespace("admin") : undefined;
    this.file = o.config.admin?.stateFile ? new SharedStateFile(o.config.admin.stateFile) : undefined;
    this.keyUsage = new KeyUsage(o.now, kv);
    this.access = new AccessStore({
      kv,
      file: kv ? undefined : this.file,
      logger: o.logger,
      // A change made here or on another replica applies at once (revocation included).
      onChange: () => o.applyTenants(this.tenants(o.base()), o.base()),
    });
  }

  start(): Promise<void> {
    return this.access.start();
  }

  /** The config file's tenants plus the API-made ones, each with its minted keys. */
  tenants(base: RouterConfig): TenantConfig[] {
    return mergeTenants(base.tenants ?? [], this.access.current(), this.o.now());
  }

  /** The verifier for the running config's `admin.oidc` (rebuilt when it changes), or undefined. */
  oidc(): OidcVerifier | undefined {
    const c = this.o.base().admin?.oidc;
    if (!c) return undefined;
    const key = JSON.stringify(c);
    if (key !== this.oidcConfig) {
      this.oidcVerifier = new OidcVerifier(c);
      this.oidcConfig = key;
    }
    return this.oidcVerifier;
  }

  close(): Promise<void> {
    return this.access.close();
  }
}
