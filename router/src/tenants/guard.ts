import { HttpError } from "@llm/contracts";
import type { Request } from "express";
import type { AuditLog } from "../audit/log.js";
import type { BucketResult, BucketSpec, BudgetSpec, StateStore } from "../state/types.js";
import { type AlertSink, checkAlerts } from "./alerts.js";
import type { AdminConfig, BudgetConfig, RateLimitConfig, TenantConfig } from "./config.js";
import { intersect, KeyIndex, presentedKey } from "./keys.js";
import { bucketSpecs, SLOT_TTL_SEC } from "./limit-specs.js";
import { type Period, periodId, periodTtlSec, secondsToPeriodEnd } from "./periods.js";
import { type ProviderHold, ProviderLimits } from "./provider-limits.js";
import type { AccessGuard, Reservation, TenantContext } from "./types.js";

/** The subset of a pino logger the guard uses. */
export interface GuardLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

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
  now?: () => number;
}

/** A reservation also carries the rate-limit headers for the success response. */
export interface GuardReservation extends Reservation {
  readonly headers: Record<string, string>;
}

/** Anonymous caller when no tenants are configured. */
const ANONYMOUS: Omit<TenantContext, "isAdmin"> = { tenantId: "anonymous", keyId: "anonymous" };

/** Budget counter key for a scope (`tenant:acme` or `key:acme-prod`) in the current period. */
export function budgetKey(scope: string, period: Period, now: number): string {
  return `budget:${scope}:${periodId(period, now)}`;
}

function budgetSpecs(
  scope: string,
  b: BudgetConfig | undefined,
  now: number,
): (BudgetSpec & { period: Period; budget?: BudgetConfig; scope: string })[] {
  return (["daily", "monthly"] as const).map((period) => ({
    key: budgetKey(scope, period, now),
    limit: period === "daily" ? b?.dailyUsd : b?.monthlyUsd,
    ttlSec: periodTtlSec(period),
    period,
    budget: b,
    scope,
  }));
}

/** OpenAI-style x-ratelimit-* headers from the most restrictive bucket of each kind. */
function rateHeaders(
  specs: (BucketSpec & { kind: string })[],
  results: BucketResult[],
): Record<string, string> {
  const h: Record<string, string> = {};
  for (const kind of ["requests", "tokens"]) {
    let best: { limit: number; remaining: number; reset: number } | undefined;
    specs.forEach((s, i) => {
      if (s.kind !== kind) return;
      const r = results[i]!;
      if (!best || r.remaining < best.remaining)
        best = { limit: s.capacity, remaining: r.remaining, reset: Math.max(r.resetSec, r.retryAfterSec) };
    });
    if (best) {
      h[`x-ratelimit-limit-${kind}`] = String(best.limit);
      h[`x-ratelimit-remaining-${kind}`] = String(best.remaining);
      h[`x-ratelimit-reset-${kind}`] = `${best.reset}s`;
    }
  }
  return h;
}

/**
 * The reservation of a request that reserves nothing (no tenants configured, or the admin key):
 * settling only frees the provider slots it took. A class, not a closure per request.
 */
class FreeReservation implements GuardReservation {
  readonly headers: Record<string, string> = {};
  private settled = false;

  constructor(
    readonly tenant: TenantContext,
    private readonly release: (tenant: TenantContext, tokens: number, servedBy: string) => Promise<void>,
  ) {}

  async settle(actual: { promptTokens: number; completionTokens: number; target: string }): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    await this.release(this.tenant, actual.promptTokens + actual.completionTokens, actual.target);
  }
}

/**
 * Authentication (hashed API keys -> tenant), authorization (models, targets), rate limits
 * (requests/tokens per minute, concurrency; per tenant and per key) and budgets (daily/monthly
 * USD, per tenant and per key). Admission reserves the estimate atomically in the state store and
 * settlement charges the actual cost, so concurrent bursts cannot overspend a hard limit by more
 * than the difference between actual and estimated cost of requests already in flight.
 */
export class TenantAccessGuard implements AccessGuard {
  private keys: KeyIndex;
  private tenants: TenantConfig[];
  private readonly store: StateStore;
  private readonly now: () => number;
  private readonly providerLimits: ProviderLimits;
  /** Provider slots a request took in authorizeTarget, freed when it settles. */
  private readonly heldTargets = new WeakMap<TenantContext, ProviderHold[]>();
  /** The response of the request a context was authenticated for, to put x-ratelimit-* on successes. */
  private readonly responses = new WeakMap<
    TenantContext,
    { headersSent: boolean; setHeader(n: string, v: string): unknown }
  >();
  private readonly lastKeyUse = new Map<string, number>();
  /** releaseTargets bound once, for FreeReservation. */
  private readonly releaseTargetsFn: (
    tenant: TenantContext,
    tokens: number,
    servedBy: string,
  ) => Promise<void>;

  constructor(private readonly opts: AccessGuardOptions) {
    this.keys = new KeyIndex(opts.tenants, opts.admin);
    this.releaseTargetsFn = (tenant, tokens, servedBy) => this.releaseTargets(tenant, tokens, servedBy);
    this.tenants = opts.tenants ?? [];
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
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

  async authenticate(req: Request): Promise<TenantContext> {
    const key = presentedKey(req);
    if (key !== undefined && this.keys.isAdmin(key))
      return { ...ANONYMOUS, tenantId: "admin", keyId: "admin", isAdmin: true };
    if (this.keys.size === 0) return { ...ANONYMOUS, isAdmin: false };
    if (key === undefined)
      throw new HttpError(401, "Missing API key: send it as 'Authorization: Bearer <key>'", {
        code: "missing_api_key",
      });
    const entry = this.keys.byKey(key);
    if (!entry) {
      void this.opts.audit?.write({ action: "auth.failed", actor: "unknown", outcome: "denied" });
      throw new HttpError(401, "Incorrect API key provided", { code: "invalid_api_key" });
    }
    this.auditKeyUse(entry.key.id, entry.tenant.id);
    const ctx: TenantContext = {
      tenantId: entry.tenant.id,
      keyId: entry.key.id,
      allowedModels: intersect(entry.tenant.allowedModels, entry.key.allowedModels),
      allowedTargets: intersect(entry.tenant.allowedTargets, entry.key.allowedTargets),
      isAdmin: false,
    };
    if (req.res) this.responses.set(ctx, req.res);
    return ctx;
  }

  /** Key use goes to the audit log at most once per key per 5 minutes, so the file stays small. */
  private auditKeyUse(keyId: string, tenantId: string): void {
    if (!this.opts.audit) return;
    const t = this.now();
    if ((this.lastKeyUse.get(keyId) ?? 0) > t - 300_000) return;
    this.lastKeyUse.set(keyId, t);
    void this.opts.audit.write({ action: "key.used", actor: keyId, target: tenantId, outcome: "ok" });
  }

  async admit(
    tenant: TenantContext,
    estimate: { model: string; promptTokens: number; maxCompletionTokens: number; costUsd: number },
  ): Promise<GuardReservation> {
    if (tenant.allowedModels && !tenant.allowedModels.includes(estimate.model))
      throw new HttpError(403, `This API key may not use model '${estimate.model}'`, {
        param: "model",
        code: "model_not_allowed",
      });
    const entry = this.keys.byKeyId(tenant.keyId);
    if (!entry || tenant.isAdmin) return this.freeReservation(tenant);

    const now = this.now();
    const tScope = `tenant:${entry.tenant.id}`;
    const kScope = `key:${entry.key.id}`;
    const tokens = Math.max(0, estimate.promptTokens + estimate.maxCompletionTokens);

    const slots = [
      entry.tenant.rateLimit?.concurrent && {
        key: `conc:${tScope}`,
        limit: entry.tenant.rateLimit.concurrent,
      },
      entry.key.rateLimit?.concurrent && { key: `conc:${kScope}`, limit: entry.key.rateLimit.concurrent },
    ].filter((s): s is { key: string; limit: number } => Boolean(s));
    if (!(await this.store.acquireSlots(slots, SLOT_TTL_SEC)))
      throw new HttpError(429, "Too many concurrent requests for this API key or tenant", {
        code: "concurrency_limit_exceeded",
        headers: { "retry-after": "1" },
      });

    const buckets = [
      ...bucketSpecs(tScope, entry.tenant.rateLimit, tokens),
      ...bucketSpecs(kScope, entry.key.rateLimit, tokens),
    ];
    const budgets = [
      ...budgetSpecs(tScope, entry.tenant.budgets, now),
      ...budgetSpecs(kScope, entry.key.budgets, now),
    ];
    let headers: Record<string, string> = {};
    try {
      const taken = await this.store.takeBuckets(buckets);
      headers = rateHeaders(buckets, taken.results);
      if (!taken.ok) {
        const wait = Math.max(1, ...taken.results.map((r) => r.retryAfterSec));
        const which = buckets.find((_, i) => !taken.results[i]!.ok);
        throw new HttpError(
          429,
          `Rate limit reached for ${which?.kind ?? "requests"} per minute; retry after ${wait}s`,
          { code: "rate_limit_exceeded", headers: { ...headers, "retry-after": String(wait) } },
        );
      }
      const reserved = await this.store.reserve(budgets, estimate.costUsd);
      if (!reserved.ok) {
        await Promise.all(buckets.map((b) => this.store.adjustBucket(b, b.cost)));
        const hit = budgets.find((b) => b.key === reserved.key)!;
        throw new HttpError(
          429,
          `You exceeded your ${hit.period} budget of $${hit.limit} for ${hit.scope.replace(":", " ")}`,
          {
            type: "insufficient_quota",
            code: "insufficient_quota",
            headers: { "retry-after": String(secondsToPeriodEnd(hit.period, now)) },
          },
        );
      }
    } catch (err) {
      await this.store.releaseSlots(slots.map((s) => s.key));
      throw err;
    }

    // OpenAI sends x-ratelimit-* on every response, not only on 429s; clients pace themselves by them.
    const res = this.responses.get(tenant);
    if (res && !res.headersSent) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);

    let settled = false;
    return {
      tenant,
      headers,
      settle: async (actual) => {
        if (settled) return;
        settled = true;
        await this.releaseTargets(tenant, actual.promptTokens + actual.completionTokens, actual.target);
        await this.store.releaseSlots(slots.map((s) => s.key));
        const used = actual.promptTokens + actual.completionTokens;
        await Promise.all(
          buckets.filter((b) => b.kind === "tokens").map((b) => this.store.adjustBucket(b, b.cost - used)),
        );
        const after = await this.store.settle(budgets, estimate.costUsd, actual.costUsd);
        await checkAlerts(this.store, budgets, after, actual.costUsd, this.opts.logger, this.opts.alerts);
      },
    };
  }

  private freeReservation(tenant: TenantContext): GuardReservation {
    return new FreeReservation(tenant, this.releaseTargetsFn);
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
  async budgets(): Promise<BudgetReport[]> {
    const now = this.now();
    const out: BudgetReport[] = [];
    const seen = new Set<string>();
    for (const tenant of this.tenants) {
      const scopes: [string, string, BudgetConfig | undefined][] = [
        [`tenant:${tenant.id}`, tenant.id, tenant.budgets],
      ];
      for (const k of tenant.keys) scopes.push([`key:${k.id}`, tenant.id, k.budgets]);
      for (const [scope, tenantId, b] of scopes) {
        if (seen.has(scope)) continue;
        seen.add(scope);
        const periods: BudgetReport["periods"] = {};
        for (const period of ["daily", "monthly"] as const) {
          const s = await this.store.getBudget(budgetKey(scope, period, now));
          const limit = period === "daily" ? b?.dailyUsd : b?.monthlyUsd;
          periods[period] = {
            period: periodId(period, now),
            spentUsd: s.spent,
            reservedUsd: s.reserved,
            limitUsd: limit ?? null,
            remainingUsd: limit === undefined ? null : Math.max(0, limit - s.spent - s.reserved),
          };
        }
        out.push({
          scope: scope.startsWith("tenant:") ? "tenant" : "key",
          id: scope.slice(scope.indexOf(":") + 1),
          tenantId,
          periods,
        });
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await this.opts.audit?.close();
  }
}

export interface BudgetReport {
  scope: "tenant" | "key";
  id: string;
  tenantId: string;
  periods: Partial<
    Record<
      Period,
      {
        period: string;
        spentUsd: number;
        reservedUsd: number;
        limitUsd: number | null;
        remainingUsd: number | null;
      }
    >
  >;
}

export function createAccessGuard(opts: AccessGuardOptions): TenantAccessGuard {
  return new TenantAccessGuard(opts);
}
