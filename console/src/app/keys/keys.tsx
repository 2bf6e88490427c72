import { useCallback, useEffect, useState } from "preact/hooks";
import { json, post } from "../api.js";
import { fmtTime, fmtUsd } from "../format.js";
import type { Session } from "../session.js";
import {
  type KeyInfo,
  type Limits,
  limitsFrom,
  list,
  type MintedKey,
  type TenantInfo,
  tenantOf,
} from "./model.js";
import { ProvidersCard } from "./providers.js";
import { SecretOnce } from "./secret.js";
import { TenantsCard } from "./tenants.js";

const ROLES = ["user", "tenant-admin", "viewer", "admin"];

/** Keys (list, mint, rotate, revoke), tenants' budgets and limits, provider tests. */
export function KeysPage({ session }: { session: Session }) {
  const [keys, setKeys] = useState<KeyInfo[]>([]);
  const [tenants, setTenants] = useState<TenantInfo[]>([]);
  const [error, setError] = useState<string>();
  const [secret, setSecret] = useState<{ title: string; key: string } | null>(null);
  const [status, setStatus] = useState("");

  const reload = useCallback(async () => {
    await Promise.all([
      json<{ data: KeyInfo[] }>("/admin/keys")
        .then((r) => {
          setKeys(r.data);
          setError(undefined);
        })
        .catch((e: Error) => setError(e.message)),
      json<{ data: TenantInfo[] }>("/admin/tenants")
        .then((r) => setTenants(r.data))
        .catch(() => setTenants(session.tenant ? [{ id: session.tenant }] : [])),
    ]);
  }, [session]);
  useEffect(() => void reload(), [reload]);

  const act = async (what: string, fn: () => Promise<void>) => {
    setStatus(`${what}…`);
    try {
      await fn();
      setStatus(`${what}: done`);
      await reload();
    } catch (e) {
      setStatus(`${what}: ${(e as Error).message}`);
    }
  };
  const rotate = (k: KeyInfo) =>
    act(`Rotate ${k.id}`, async () => {
      const r = await post<MintedKey>(`/admin/keys/${encodeURIComponent(k.id)}/rotate`, {});
      setSecret({ title: `New secret of key ${r.id ?? k.id}`, key: r.key });
    });
  const revoke = (k: KeyInfo) => {
    if (!confirm(`Revoke key ${k.id}? Requests with it fail at once.`)) return;
    void act(`Revoke ${k.id}`, async () => {
      await json(`/admin/keys/${encodeURIComponent(k.id)}`, { method: "DELETE" });
    });
  };

  return (
    <div class="keys">
      {secret && <SecretOnce title={secret.title} secret={secret.key} onDone={() => setSecret(null)} />}
      <p class="status" role="status">
        {status}
      </p>
      <MintForm
        tenants={tenants}
        fixedTenant={session.role === "tenant-admin" ? session.tenant : undefined}
        onMint={(body) =>
          act("Mint key", async () => {
            const r = await post<MintedKey>("/admin/keys", body);
            setSecret({
              title: `Key ${r.id} for tenant ${r.tenant ?? r.tenantId ?? body.tenant}`,
              key: r.key,
            });
          })
        }
      />
      <section class="card wide" aria-labelledby="keys-title">
        <h2 id="keys-title">Keys</h2>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <div class="table-wrap">
          <table aria-label="API keys">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Prefix</th>
                <th scope="col">Tenant</th>
                <th scope="col">Role</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Spend</th>
                <th scope="col">Limits</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} class={k.revoked ? "bad" : undefined}>
                  <th scope="row" class="mono">
                    {k.name ? `${k.name} (${k.id})` : k.id}
                  </th>
                  <td class="mono">{k.prefix ? `${k.prefix}…` : "—"}</td>
                  <td>{tenantOf(k)}</td>
                  <td>{k.role ?? "user"}</td>
                  <td>{k.expiresAt ? new Date(k.expiresAt).toLocaleString() : "never"}</td>
                  <td>{k.lastUsedAt ? fmtTime(k.lastUsedAt) : "—"}</td>
                  <td>{fmtUsd(k.spendUsd ?? k.spentUsd)}</td>
                  <td>{describeLimits(k)}</td>
                  <td class="actions">
                    {k.source === "config" ? (
                      <span class="muted">from config</span>
                    ) : k.revoked ? (
                      <span class="muted">revoked</span>
                    ) : (
                      <>
                        <button type="button" class="secondary" onClick={() => void rotate(k)}>
                          Rotate <span class="sr-only">{k.id}</span>
                        </button>
                        <button type="button" class="danger" onClick={() => revoke(k)}>
                          Revoke <span class="sr-only">{k.id}</span>
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <TenantsCard tenants={tenants} onChanged={reload} readOnly={session.role === "viewer"} />
      {session.role === "admin" && <ProvidersCard />}
    </div>
  );
}

function describeLimits(k: KeyInfo): string {
  const parts: string[] = [];
  if (k.budgets?.dailyUsd !== undefined) parts.push(`${fmtUsd(k.budgets.dailyUsd)}/day`);
  if (k.budgets?.monthlyUsd !== undefined) parts.push(`${fmtUsd(k.budgets.monthlyUsd)}/month`);
  if (k.rateLimit?.requestsPerMinute) parts.push(`${k.rateLimit.requestsPerMinute} req/min`);
  if (k.rateLimit?.tokensPerMinute) parts.push(`${k.rateLimit.tokensPerMinute} tok/min`);
  if (k.allowedModels?.length) parts.push(`models ${k.allowedModels.join(", ")}`);
  return parts.join(" · ") || "—";
}

interface MintBody extends Limits {
  tenant: string;
  role: string;
  name?: string;
  expiresAt?: string;
  allowedModels?: string[];
}

function MintForm(p: { tenants: TenantInfo[]; fixedTenant?: string; onMint: (b: MintBody) => void }) {
  const [f, setF] = useState({
    tenant: "",
    role: "user",
    name: "",
    expires: "",
    models: "",
    daily: "",
    monthly: "",
    rpm: "",
    tpm: "",
  });
  const set = (k: keyof typeof f) => (e: Event) =>
    setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const tenant = p.fixedTenant ?? (f.tenant || p.tenants[0]?.id || "");
  const submit = (e: Event) => {
    e.preventDefault();
    const body: MintBody = { tenant, role: f.role, ...limitsFrom(f) };
    if (f.name.trim()) body.name = f.name.trim();
    if (f.expires) body.expiresAt = new Date(f.expires).toISOString();
    const models = list(f.models);
    if (models) body.allowedModels = models;
    p.onMint(body);
  };
  return (
    <form class="card wide" onSubmit={submit} aria-labelledby="mint-title">
      <h2 id="mint-title">Mint a key</h2>
      <div class="grid">
        {p.fixedTenant ? (
          <label>
            Tenant
            <input value={p.fixedTenant} readOnly />
          </label>
        ) : (
          <label>
            Tenant
            <select value={tenant} onChange={set("tenant")}>
              {p.tenants.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name && t.name !== t.id ? `${t.name} (${t.id})` : t.id}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Role
          <select value={f.role} onChange={set("role")}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          Name <input value={f.name} onInput={set("name")} placeholder="optional" />
        </label>
        <label>
          Expires <input type="datetime-local" value={f.expires} onInput={set("expires")} />
        </label>
        <label>
          Allowed models <input value={f.models} onInput={set("models")} placeholder="all" />
        </label>
        <label>
          Daily budget (USD) <input inputMode="decimal" value={f.daily} onInput={set("daily")} />
        </label>
        <label>
          Monthly budget (USD) <input inputMode="decimal" value={f.monthly} onInput={set("monthly")} />
        </label>
        <label>
          Requests / minute <input inputMode="numeric" value={f.rpm} onInput={set("rpm")} />
        </label>
        <label>
          Tokens / minute <input inputMode="numeric" value={f.tpm} onInput={set("tpm")} />
        </label>
      </div>
      <div class="row">
        <span class="spacer" />
        <button type="submit" disabled={!tenant}>
          Mint key
        </button>
      </div>
    </form>
  );
}
