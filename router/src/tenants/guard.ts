import { HttpError } from "@llm/contracts";
import type { Request } from "express";
import type { AuditLog } from "../audit/log.js";
import type { EventBus } from "../events/bus.js";
import type { StateStore } from "../state/types.js";
import {
  type AdmissionDeps,
  type AdmissionEstimate,
  admitTenantRequest,
  FreeReservation,
  type GuardLogger,
  type GuardReservation,
} from "./admission.js";
import type { AlertSink } from "./alerts.js";
import { Authenticator } from "./authentication.js";
import { type BudgetReport, budgetReport } from "./budget-report.js";
import type { AdminConfig, RateLimitConfig, TenantConfig } from "./config.js";
import { type KeyEntry, KeyIndex, presentedKey } from "./keys.js";
import { type ProviderHold, ProviderLimits } from "./provider-limits.js";
import type { AccessGuard, TenantContext } from "./types.js";

export type { GuardLogger, GuardReservation } from "./admission.js";
export type { BudgetReport } from "./budget-report.js";
export { budgetKey } from "./limit-specs.js";

export interface AccessGuardOptions {
  /** Configured tenants; none means requests are accepted without a key (a warning is logged once). */
  tenants?: TenantConfig[];
  /** Admin key (hash) for /admin. */
  admin?: AdminConfig;
  /** External providers' own limits, by target name. */
  providers?: { name: string; rateLimit?: RateLimitConfig }[];
  /** Shared counters: MemoryStateStore for one replica, RedisStateStore for several. */
  store: StateStore;
  logger?: GuardLogger;
  audit?: AuditLog;
  /** Where budget alerts go besides the log (webhook POST by default). */
  alerts?: AlertSink;
  /** The router's event bus (budget alerts are published there). */
  events?: EventBus;
  /** Told of every accepted tenant key by id (the admin API's `lastUsedAt`). */
  onKeyUse?: (keyId: string) => void;
  now?: () => number;
}

/**
 * The access guard: authentication (authentication.ts), authorization (models, targets),
 * admission against rate limits and budgets (admission.ts), per-provider limits
 * (provider-limits.ts) and the admin budget report (budget-report.ts), over one state store.
 */
export class TenantAccessGuard implements AccessGuard {
  private keys: KeyIndex;
  private tenants: TenantConfig[];
  private readonly store: StateStore;
  private readonly now: () => number;
  private readonly auth: Authenticator;
  private readonly admission: AdmissionDeps;
  private readonly providerLimits: ProviderLimits;
  /** Provider slots a request took in authorizeTarget, freed when it settles. */
  private readonly heldTargets = new WeakMap<TenantContext, ProviderHold[]>();

  constructor(private readonly opts: AccessGuardOptions) {
    this.keys = new KeyIndex(opts.tenants, opts.admin);
    this.tenants = opts.tenants ?? [];
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
    this.auth = new Authenticator(opts.audit, this.now, opts.onKeyUse);
    this.admission = {
      store: this.store,
      releaseTargets: (tenant, tokens, servedBy) => this.releaseTargets(tenant, tokens, servedBy),
      logger: opts.logger,
      alerts: opts.alerts,
      events: opts.events,
    };
    this.providerLimits = new ProviderLimits(this.store);
    this.providerLimits.set(opts.providers ?? []);
    if (this.keys.size === 0)
      opts.logger?.warn(
        { event: "tenants.none" },
        "no tenants configured: the router accepts requests without an API key",
      );
  }

  /** True when tenants are configured (requests need a key). */
  get enforcing(): boolean {
    return this.keys.size > 0;
  }

  /**
   * Applies a reloaded config's tenants and admin key. Spend and limit counters live in the
   * state store keyed by tenant/key id, so they carry over; requests already admitted settle normally.
   */
  setTenants(tenants: TenantConfig[] = [], admin?: AdminConfig): void {
    this.keys = new KeyIndex(tenants, admin);
    this.tenants = tenants;
  }

  /** The configured tenants (for /admin/tenants; the entries hold key hashes, never return them as-is). */
  listTenants(): readonly TenantConfig[] {
    return this.tenants;
  }

  /** Applies new per-provider limits (admin API changes, config reload). */
  setProviders(providers: { name: string; rateLimit?: RateLimitConfig }[]): void {
    this.providerLimits.set(providers);
  }

  /** True when `req` carries the admin key. */
  isAdminRequest(req: Pick<Request, "headers">): boolean {
    const key = presentedKey(req);
    return key !== undefined && this.keys.isAdmin(key);
  }

  get adminConfigured(): boolean {
    return this.keys.adminHash !== undefined;
  }

  /** The tenant key `req` presents (expired or not: the caller decides), or undefined. */
  presentedEntry(req: Pick<Request, "headers">): KeyEntry | undefined {
    const key = presentedKey(req);
    return key === undefined ? undefined : this.keys.byKey(key);
  }

  async authenticate(req: Pick<Request, "headers">): Promise<TenantContext> {
    return this.auth.authenticate(this.keys, req);
  }

  async admit(tenant: TenantContext, estimate: AdmissionEstimate): Promise<GuardReservation> {
    if (tenant.allowedModels && !tenant.allowedModels.includes(estimate.model))
      throw new HttpError(403, `This API key may not use model '${estimate.model}'`, {
        param: "model",
        code: "model_not_allowed",
      });
    const entry = this.keys.byKeyId(tenant.keyId);
    if (!entry || tenant.isAdmin) return new FreeReservation(tenant, this.admission.releaseTargets);
    return admitTenantRequest(this.admission, entry, tenant, estimate, this.now());
  }

  /**
   * Synchronous (no promise) when the target has no limits of its own, the common case, so the
   * request path only waits when there is a counter to take.
   */
  authorizeTarget(tenant: TenantContext, target: string): Promise<void> | undefined {
    if (tenant.allowedTargets && !tenant.allowedTargets.includes(target))
      throw new HttpError(403, `This API key may not use target '${target}'`, { code: "target_not_allowed" });
    const limits = this.providerLimits.limitsOf(target);
    if (!limits) return undefined;
    return this.providerLimits.acquire(target, limits).then((got) => {
      if (!got.ok)
        throw new HttpError(429, `Provider '${target}' is at its configured ${got.reason} limit`, {
          code: "provider_rate_limited",
          headers: { "retry-after": String(got.retryAfterSec) },
        });
      const held = this.heldTargets.get(tenant) ?? [];
      held.push(got.hold);
      this.heldTargets.set(tenant, held);
    });
  }

  /**
   * Frees provider slots; the answer's tokens are charged to the target that served it (a
   * provider tried before a failover answered nothing, and an unlimited target holds nothing).
   */
  private async releaseTargets(tenant: TenantContext, tokens: number, servedBy: string): Promise<void> {
    const held = this.heldTargets.get(tenant);
    if (!held) return;
    this.heldTargets.delete(tenant);
    await Promise.all(held.map((h) => this.providerLimits.release(h, h.target === servedBy ? tokens : 0)));
  }

  /** Spend and limits per tenant and key for the current day and month (for /admin/budgets). */
  budgets(): Promise<BudgetReport[]> {
    return budgetReport(this.store, this.tenants, this.now());
  }

  async close(): Promise<void> {
    await this.opts.audit?.close();
  }
}

export function createAccessGuard(opts: AccessGuardOptions): TenantAccessGuard {
  return new TenantAccessGuard(opts);
}
