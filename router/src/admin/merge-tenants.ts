import type { TenantConfig } from "../tenants/config.js";
import type { IndexedKey } from "../tenants/keys.js";
import type { AccessState } from "./access-store.js";
import type { ManagedKey } from "./access-types.js";

/** A minted key as the key index takes it: its hash, role, expiry and still-valid rotated-out hashes. */
function indexedKey(k: ManagedKey, now: number): IndexedKey {
  const graceHashes = k.grace
    .map((g) => ({ hash: g.hash, until: Date.parse(g.until) }))
    .filter((g) => g.until > now);
  return {
    id: k.id,
    keyHash: k.hash,
    role: k.role,
    ...(k.expiresAt ? { expiresAt: k.expiresAt } : {}),
    ...(k.allowedModels ? { allowedModels: k.allowedModels } : {}),
    ...(k.allowedTargets ? { allowedTargets: k.allowedTargets } : {}),
    ...(k.budgets ? { budgets: k.budgets } : {}),
    ...(k.rateLimit ? { rateLimit: k.rateLimit } : {}),
    ...(graceHashes.length ? { graceHashes } : {}),
  };
}

/**
 * The config file's tenants plus the API-made ones, each with its minted keys: what the guard runs
 * on. The file wins an id clash (a tenant or key id already in YAML is skipped here), the way
 * admin-managed providers merge (merge-managed.ts), so a reload never drops API-made keys.
 */
export function mergeTenants(yaml: readonly TenantConfig[], state: AccessState, now: number): TenantConfig[] {
  const yamlKeyIds = new Set(yaml.flatMap((t) => t.keys.map((k) => k.id)));
  const byTenant = new Map<string, IndexedKey[]>();
  for (const k of state.keys) {
    if (yamlKeyIds.has(k.id)) continue;
    const list = byTenant.get(k.tenant) ?? [];
    list.push(indexedKey(k, now));
    byTenant.set(k.tenant, list);
  }
  const yamlIds = new Set(yaml.map((t) => t.id));
  const out: TenantConfig[] = yaml.map((t) => {
    const minted = byTenant.get(t.id);
    return minted ? { ...t, keys: [...t.keys, ...minted] } : t;
  });
  for (const t of state.tenants) {
    if (yamlIds.has(t.id)) continue;
    const { createdAt: _created, ...rest } = t;
    out.push({ ...rest, keys: byTenant.get(t.id) ?? [] });
  }
  return out;
}
