import { useCallback, useEffect, useState } from "preact/hooks";
import { json, post } from "../api.js";
import { Field } from "../field.js";
import { fmtTime, fmtUsd } from "../format.js";
import { canManage, type Session } from "../session.js";
import { MintForm } from "./mint.js";
import type { KeyInfo, MintedKey, TenantInfo } from "./model.js";
import { ProvidersCard } from "./providers.js";
import { SecretOnce } from "./secret.js";
import { TenantsCard } from "./tenants.js";

/** How long a rotated key's old secret keeps working (`gracePeriod` of the rotate call). */
const GRACE = [
  ["", "none (at once)"],
  ["5m", "5 minutes"],
  ["1h", "1 hour"],
  ["24h", "24 hours"],
] as const;

/** Keys (list, mint, rotate, revoke), tenants' budgets and limits, provider tests. */
export function KeysPage({ session }: { session: Session }) {
  const [keys, setKeys] = useState<KeyInfo[]>([]);
  const [tenants, setTenants] = useState<TenantInfo[]>([]);
  const [error, setError] = useState<string>();
  const [secret, setSecret] = useState<{ title: string; key: string } | null>(null);
  const [status, setStatus] = useState("");
  const [grace, setGrace] = useState("");
  const manage = canManage(session.role);
  const fixedTenant = session.role === "tenant-admin" ? session.tenant : undefined;

  const reload = useCallback(async () => {
    await Promise.all([
      json<{ data: KeyInfo[] }>(
        `/admin/keys${fixedTenant ? `?tenant=${encodeURIComponent(fixedTenant)}` : ""}`,
      )
        .then((r) => {
          setKeys(r.data);
          setError(undefined);
        })
        .catch((e: Error) => setError(e.message)),
      json<{ data: TenantInfo[] }>("/admin/tenants")
        .then((r) => setTenants(r.data))
        .catch(() => setTenants(fixedTenant ? [{ id: fixedTenant }] : [])),
    ]);
  }, [fixedTenant]);
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
      const r = await post<MintedKey>(
        `/admin/keys/${encodeURIComponent(k.id)}/rotate`,
        grace ? { gracePeriod: grace } : {},
      );
      setSecret({ title: `New secret of key ${r.id}`, key: r.key });
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
      {manage && (
        <MintForm
          tenants={tenants}
          fixedTenant={fixedTenant}
          onMint={(body) =>
            act("Mint key", async () => {
              const r = await post<MintedKey>("/admin/keys", body);
              setSecret({ title: `Key ${r.id} for tenant ${r.tenant ?? body.tenant}`, key: r.key });
            })
          }
        />
      )}
      <section class="card wide" aria-labelledby="keys-title">
        <h2 id="keys-title">Keys</h2>
        {manage && (
          <div class="row">
            <Field label="Grace period when rotating">
              <select value={grace} onChange={(e) => setGrace(e.currentTarget.value)}>
                {GRACE.map(([v, text]) => (
                  <option key={v} value={v}>
                    {text}
                  </option>
                ))}
              </select>
            </Field>
          </div>
        )}
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
                <th scope="col">Spend today / month</th>
                <th scope="col">Limits</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} class={k.expired ? "bad" : undefined}>
                  <th scope="row" class="mono">
                    {k.name ? `${k.name} (${k.id})` : k.id}
                  </th>
                  <td class="mono">{k.prefix ? `${k.prefix}…` : "—"}</td>
                  <td>{k.tenant}</td>
                  <td>{k.role ?? "user"}</td>
                  <td>
                    {k.expired ? "expired" : k.expiresAt ? new Date(k.expiresAt).toLocaleString() : "never"}
                  </td>
                  <td>{k.lastUsedAt ? fmtTime(k.lastUsedAt) : "—"}</td>
                  <td>
                    {fmtUsd(k.spend?.daily?.spentUsd)} / {fmtUsd(k.spend?.monthly?.spentUsd)}
                  </td>
                  <td>{describeLimits(k)}</td>
                  <td class="actions">
                    {k.source === "config" ? (
                      <span class="muted">from config</span>
                    ) : manage ? (
                      <>
                        <button type="button" class="secondary" onClick={() => void rotate(k)}>
                          Rotate <span class="sr-only">{k.id}</span>
                        </button>
                        <button type="button" class="danger" onClick={() => revoke(k)}>
                          Revoke <span class="sr-only">{k.id}</span>
                        </button>
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <TenantsCard tenants={tenants} onChanged={reload} role={session.role} />
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
  if (k.graceUntil) parts.push(`old secret until ${fmtTime(k.graceUntil)}`);
  return parts.join(" · ") || "—";
}
