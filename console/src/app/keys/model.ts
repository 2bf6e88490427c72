// The admin API's key and tenant shapes as the console reads them (router README § Admin API).

export interface Limits {
  budgets?: { dailyUsd?: number; monthlyUsd?: number } | null;
  rateLimit?: { requestsPerMinute?: number; tokensPerMinute?: number; concurrent?: number } | null;
}

/** One entry of `GET /admin/keys` (never the key itself). */
export interface KeyInfo extends Limits {
  id: string;
  /** First characters of the key, to recognise it. */
  prefix?: string;
  tenant?: string;
  tenantId?: string;
  role?: string;
  name?: string;
  source?: "admin" | "config";
  expiresAt?: string | null;
  lastUsedAt?: string | null;
  spendUsd?: number;
  spentUsd?: number;
  allowedModels?: string[] | null;
  revoked?: boolean;
  revokedAt?: string | null;
}

/** The answer of a mint or a rotate: the only time the secret is shown. */
export interface MintedKey {
  id: string;
  key: string;
  tenant?: string;
  tenantId?: string;
}

export interface TenantInfo extends Limits {
  id: string;
  name?: string;
  source?: "admin" | "config";
  keys?: { id: string }[];
}

export const tenantOf = (k: KeyInfo) => k.tenant ?? k.tenantId ?? "—";

/** Parses "a, b" into ["a","b"]; empty means no restriction (undefined). */
export function list(text: string): string[] | undefined {
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

/** A positive number from a form field, or undefined when blank. */
export function num(text: string): number | undefined {
  if (text.trim() === "") return undefined;
  const v = Number(text);
  return Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** `budgets` / `rateLimit` from form fields, leaving out what is blank. */
export function limitsFrom(f: { daily: string; monthly: string; rpm: string; tpm: string }): Limits {
  const budgets = { dailyUsd: num(f.daily), monthlyUsd: num(f.monthly) };
  const rateLimit = { requestsPerMinute: num(f.rpm), tokensPerMinute: num(f.tpm) };
  const clean = <T extends object>(o: T) =>
    Object.values(o).some((v) => v !== undefined)
      ? (Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T)
      : undefined;
  const out: Limits = {};
  const b = clean(budgets);
  const r = clean(rateLimit);
  if (b) out.budgets = b;
  if (r) out.rateLimit = r;
  return out;
}
