import type { Request } from "express";

/** Who is calling: resolved from the API key (or anonymous when no tenants are configured). */
export interface TenantContext {
  tenantId: string;
  /** Stable id of the API key (never the key itself). */
  keyId: string;
  /** Models/targets this key may use; undefined means all. */
  allowedModels?: string[];
  allowedTargets?: string[];
  isAdmin: boolean;
  /** The tenant opted in to prompt text on its decision events (tenants[].eventPrompts). */
  eventPrompts?: boolean;
}

/** What admission holds for a request until it settles: reserved tokens and cost. */
export interface Reservation {
  readonly tenant: TenantContext;
  /** x-ratelimit-* headers for the success response (see writeRateLimitHeaders); none when unlimited. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Release the reservation, charging what the request actually used. Idempotent. */
  settle(actual: {
    promptTokens: number;
    completionTokens: number;
    costUsd: number;
    target: string;
  }): Promise<void>;
}

/**
 * Authentication, authorization, rate limits and budgets, called by the request handlers.
 * Every method throws an HttpError (401/403/429 with OpenAI's body and headers) to refuse.
 */
export interface AccessGuard {
  authenticate(req: Pick<Request, "headers">): Promise<TenantContext>;
  /** Checks limits and reserves the estimate; must hold under concurrency. */
  admit(
    tenant: TenantContext,
    estimate: { model: string; promptTokens: number; maxCompletionTokens: number; costUsd: number },
  ): Promise<Reservation>;
  /**
   * Checks that the tenant may use `target` (per-target allow lists, per-provider limits).
   * Returns a promise only when it has to wait (a shared counter to take); callers await it then.
   */
  authorizeTarget(tenant: TenantContext, target: string): void | Promise<void>;
  close?(): Promise<void>;
}
