import { HttpError } from "@llm/contracts";
import type { AuditLog } from "../audit/log.js";
import { intersect, type KeyIndex, presentedKey } from "./keys.js";
import type { TenantContext } from "./types.js";

type Headers = { headers: Record<string, string | string[] | undefined> };

/**
 * Callers without a tenant key. Each request gets its own copy: the context is what the guard
 * keys a request's provider holds by, so two requests must never share one.
 */
const ADMIN: TenantContext = { tenantId: "admin", keyId: "admin", isAdmin: true };
const ANONYMOUS: TenantContext = { tenantId: "anonymous", keyId: "anonymous", isAdmin: false };

/**
 * API key -> tenant: the admin key, a tenant's key (hashed lookup), or anonymous when no tenants
 * are configured. Refuses with 401 (OpenAI's codes) and audits failures and, at most once per key
 * per 5 minutes, key use.
 */
export class Authenticator {
  private readonly lastKeyUse = new Map<string, number>();

  constructor(
    private readonly audit: AuditLog | undefined,
    private readonly now: () => number,
    /** Told of every accepted tenant key (the admin API's `lastUsedAt`); must be cheap and never throw. */
    private readonly onUse?: (keyId: string) => void,
  ) {}

  authenticate(keys: KeyIndex, req: Headers): TenantContext {
    const key = presentedKey(req);
    if (key !== undefined && keys.isAdmin(key)) return { ...ADMIN };
    if (keys.size === 0) return { ...ANONYMOUS };
    if (key === undefined)
      throw new HttpError(
        401,
        "Missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'",
        { code: "missing_api_key" },
      );
    const entry = keys.byKey(key);
    if (!entry) {
      void this.audit?.write({ action: "auth.failed", actor: "unknown", outcome: "denied" });
      throw new HttpError(401, "Incorrect API key provided", { code: "invalid_api_key" });
    }
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      void this.audit?.write({ action: "auth.expired", actor: entry.key.id, outcome: "denied" });
      throw new HttpError(401, "This API key has expired", { code: "invalid_api_key" });
    }
    this.auditKeyUse(entry.key.id, entry.tenant.id);
    this.onUse?.(entry.key.id);
    return {
      tenantId: entry.tenant.id,
      keyId: entry.key.id,
      allowedModels: intersect(entry.tenant.allowedModels, entry.key.allowedModels),
      allowedTargets: intersect(entry.tenant.allowedTargets, entry.key.allowedTargets),
      isAdmin: false,
      ...(entry.tenant.eventPrompts ? { eventPrompts: true } : {}),
    };
  }

  /** Key use goes to the audit log at most once per key per 5 minutes, so the file stays small. */
  private auditKeyUse(keyId: string, tenantId: string): void {
    if (!this.audit) return;
    const t = this.now();
    if ((this.lastKeyUse.get(keyId) ?? 0) > t - 300_000) return;
    this.lastKeyUse.set(keyId, t);
    void this.audit.write({ action: "key.used", actor: keyId, target: tenantId, outcome: "ok" });
  }
}
