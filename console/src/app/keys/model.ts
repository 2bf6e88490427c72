// The admin API's key and tenant shapes as the console reads them (router README § Admin API).

export interface Limits {
  budgets?: { dailyUsd?: number; monthlyUsd?: number } | null;
  rateLimit?: { requestsPerMinute?: number; tokensPerMinute?: number; concurrent?: number } | null;
}

interface SpendFigures {
  period: string;
  spentUsd: number;
  limitUsd: number | null;
}

/** A key view of `GET /admin/keys` (router README § Admin API § Keys; never the key, never its hash). */
export interface KeyInfo extends Limits {
  id: string;
  name?: string | null;
  /** First characters of the key, to recognise it (null for YAML keys). */
  prefix?: string | null;
  tenant: string;
  role?: string;
  source?: "admin" | "config";
  allowedModels?: string[] | null;
  createdAt?: string | null;
  expiresAt?: string | null;
  expired?: boolean;
  /** Until when the previous secret still works after a rotation. */
  graceUntil?: string | null;
  lastUsedAt?: string | null;
  spend?: { daily?: SpendFigures; monthly?: SpendFigures };
}

/** The answer of a mint or a rotate: the key view plus the secret, the only time it is shown. */
export interface MintedKey extends KeyInfo {
  key: string;
}

/** A tenant of `GET /admin/tenants`. */
export interface TenantInfo extends Limits {
  id: string;
  name?: string;
  source?: "admin" | "config";
  allowedModels?: string[] | null;
  allowedTargets?: string[] | null;
  keys?: { id: string }[];
}

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
