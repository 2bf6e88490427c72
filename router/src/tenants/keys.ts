import { createHash } from "node:crypto";
import type { Request } from "express";
import type { AdminConfig, ApiKeyConfig, TenantConfig } from "./config.js";

/** sha256 hex of an API key: what configs store and what lookups compare. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** The presented key: `Authorization: Bearer`, else `x-api-key` / `api-key` (for clients that send those). */
export function presentedKey(req: Pick<Request, "headers">): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === "string") {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1]!.trim();
  }
  for (const h of ["x-api-key", "api-key"]) {
    const v = req.headers[h];
    if (typeof v === "string" && v.length > 0) return v.trim();
  }
  return undefined;
}

export interface KeyEntry {
  tenant: TenantConfig;
  key: ApiKeyConfig;
  /** When this secret stops working (epoch ms): the key's `expiresAt`, or a rotated-out secret's grace end. */
  expiresAt?: number;
}

/**
 * A key as the index takes it: a config key, plus (admin-minted keys) secrets rotated out but
 * still accepted until their grace period ends.
 */
export type IndexedKey = ApiKeyConfig & { graceHashes?: { hash: string; until: number }[] };

/** Maps key hashes to their tenant and key. Keys given in clear are hashed here and not kept. */
export class KeyIndex {
  private readonly byHash = new Map<string, KeyEntry>();
  private readonly byId = new Map<string, KeyEntry>();
  readonly adminHash?: string;

  constructor(tenants: TenantConfig[] = [], admin?: AdminConfig) {
    for (const tenant of tenants)
      for (const key of tenant.keys as IndexedKey[]) {
        const hash = key.keyHash ?? hashKey(key.key!);
        const { graceHashes, ...plain } = key;
        const expiresAt = key.expiresAt === undefined ? undefined : Date.parse(key.expiresAt);
        const entry: KeyEntry = { tenant, key: { ...plain, key: undefined, keyHash: hash }, expiresAt };
        this.byHash.set(hash, entry);
        this.byId.set(key.id, entry);
        for (const g of graceHashes ?? [])
          this.byHash.set(g.hash, { ...entry, expiresAt: Math.min(g.until, expiresAt ?? g.until) });
      }
    this.adminHash = admin?.keyHash ?? (admin?.key ? hashKey(admin.key) : undefined);
  }

  get size(): number {
    return this.byHash.size;
  }

  byKey(key: string): KeyEntry | undefined {
    return this.byHash.get(hashKey(key));
  }

  byKeyId(id: string): KeyEntry | undefined {
    return this.byId.get(id);
  }

  isAdmin(key: string): boolean {
    return this.adminHash !== undefined && hashKey(key) === this.adminHash;
  }
}

/** Both lists must allow a name; undefined means unrestricted. */
export function intersect(a?: string[], b?: string[]): string[] | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.filter((x) => b.includes(x));
}
