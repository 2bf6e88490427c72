import { HttpError } from "@llm/contracts";
import type { EventBus } from "../events/bus.js";
import type { StateStore } from "../state/types.js";
import { type AlertSink, checkAlerts } from "./alerts.js";
import type { KeyEntry } from "./keys.js";
import {
  bucketSpecs,
  budgetSpecs,
  type RateBucketSpec,
  type ScopedBudget,
  SLOT_TTL_SEC,
} from "./limit-specs.js";
import { secondsToPeriodEnd } from "./periods.js";
import { NO_RATE_LIMIT_HEADERS, rateLimitHeaders } from "./rate-limit-headers.js";
import type { Reservation, TenantContext } from "./types.js";

/** The subset of a pino logger the guard uses. */
export interface GuardLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** What a request is expected to use, reserved at admission. */
export interface AdmissionEstimate {
  model: string;
  promptTokens: number;
  maxCompletionTokens: number;
  costUsd: number;
}

/** A reservation also carries the rate-limit headers for the success response. */
export interface GuardReservation extends Reservation {
  readonly headers: Readonly<Record<string, string>>;
}

type Actual = Parameters<Reservation["settle"]>[0];
/** Frees the provider slots a request took (see TenantAccessGuard.authorizeTarget). */
export type ReleaseTargets = (tenant: TenantContext, tokens: number, servedBy: string) => Promise<void>;

export interface AdmissionDeps {
  store: StateStore;
  releaseTargets: ReleaseTargets;
  logger?: GuardLogger;
  /** Where budget alerts go besides the log (webhook POST by default). */
  alerts?: AlertSink;
  /** The router's event bus: every alert is also published there as `budget.alert`. */
  events?: EventBus;
}

/**
 * The reservation of a request that reserves nothing (no tenants configured, or the admin key):
 * settling only frees the provider slots it took. A class, not a closure per request.
 */
export class FreeReservation implements GuardReservation {
  readonly headers = NO_RATE_LIMIT_HEADERS;
  private settled = false;

  constructor(
    readonly tenant: TenantContext,
    private readonly release: ReleaseTargets,
  ) {}

  async settle(actual: Actual): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    await this.release(this.tenant, actual.promptTokens + actual.completionTokens, actual.target);
  }
}

/** What a tenant's request holds until it settles: concurrency slots, bucket takes, reserved spend. */
class TenantReservation implements GuardReservation {
  private settled = false;

  constructor(
    private readonly deps: AdmissionDeps,
    readonly tenant: TenantContext,
    readonly headers: Readonly<Record<string, string>>,
    private readonly slotKeys: string[],
    private readonly buckets: RateBucketSpec[],
    private readonly budgets: ScopedBudget[],
    private readonly reservedUsd: number,
  ) {}

  /** Frees slots, refunds the token estimate beyond actual use, and moves the reserved spend to actual. */
  async settle(actual: Actual): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    const { store } = this.deps;
    const used = actual.promptTokens + actual.completionTokens;
    await this.deps.releaseTargets(this.tenant, used, actual.target);
    await store.releaseSlots(this.slotKeys);
    await Promise.all(
      this.buckets.filter((b) => b.kind === "tokens").map((b) => store.adjustBucket(b, b.cost - used)),
    );
    const after = await store.settle(this.budgets, this.reservedUsd, actual.costUsd);
    const events = this.deps.events;
    await checkAlerts(
      store,
      this.budgets,
      after,
      actual.costUsd,
      this.deps.logger,
      this.deps.alerts,
      events &&
        ((a) =>
          events.publish({
            type: "budget.alert",
            time: new Date().toISOString(),
            tenant: this.tenant.tenantId,
            scope: a.scope,
            period: a.period,
            threshold: a.threshold,
            limitUsd: a.limitUsd,
            spentUsd: a.spentUsd,
          })),
    );
  }
}

/**
 * Admits a tenant's request or refuses it with 429: takes concurrency slots (tenant and key),
 * then the per-minute buckets (requests, prompt + max completion tokens), then reserves the
 * estimated cost against the daily/monthly budgets, each all-or-nothing in the state store, so
 * concurrent bursts cannot overspend a hard limit by more than the difference between actual
 * and estimated cost of requests already in flight. Whatever was taken is given back on refusal.
 */
export async function admitTenantRequest(
  deps: AdmissionDeps,
  entry: KeyEntry,
  tenant: TenantContext,
  estimate: AdmissionEstimate,
  now: number,
): Promise<GuardReservation> {
  const { store } = deps;
  const tScope = `tenant:${entry.tenant.id}`;
  const kScope = `key:${entry.key.id}`;
  const tokens = Math.max(0, estimate.promptTokens + estimate.maxCompletionTokens);

  const slots: { key: string; limit: number }[] = [];
  if (entry.tenant.rateLimit?.concurrent)
    slots.push({ key: `conc:${tScope}`, limit: entry.tenant.rateLimit.concurrent });
  if (entry.key.rateLimit?.concurrent)
    slots.push({ key: `conc:${kScope}`, limit: entry.key.rateLimit.concurrent });
  if (!(await store.acquireSlots(slots, SLOT_TTL_SEC)))
    throw new HttpError(429, "Too many concurrent requests for this API key or tenant", {
      code: "concurrency_limit_exceeded",
      headers: { "retry-after": "1" },
    });
  const slotKeys = slots.map((s) => s.key);

  const buckets = [
    ...bucketSpecs(tScope, entry.tenant.rateLimit, tokens),
    ...bucketSpecs(kScope, entry.key.rateLimit, tokens),
  ];
  const budgets = [
    ...budgetSpecs(tScope, entry.tenant.budgets, now),
    ...budgetSpecs(kScope, entry.key.budgets, now),
  ];
  let headers: Readonly<Record<string, string>>;
  try {
    const taken = await store.takeBuckets(buckets);
    headers = buckets.length > 0 ? rateLimitHeaders(buckets, taken.results) : NO_RATE_LIMIT_HEADERS;
    if (!taken.ok) {
      const wait = Math.max(1, ...taken.results.map((r) => r.retryAfterSec));
      const which = buckets.find((_, i) => !taken.results[i]!.ok);
      throw new HttpError(
        429,
        `Rate limit reached for ${which?.kind ?? "requests"} per minute; retry after ${wait}s`,
        {
          code: "rate_limit_exceeded",
          headers: { ...headers, "retry-after": String(wait) },
        },
      );
    }
    const reserved = await store.reserve(budgets, estimate.costUsd);
    if (!reserved.ok) {
      await Promise.all(buckets.map((b) => store.adjustBucket(b, b.cost)));
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
    await store.releaseSlots(slotKeys);
    throw err;
  }
  return new TenantReservation(deps, tenant, headers, slotKeys, buckets, budgets, estimate.costUsd);
}
