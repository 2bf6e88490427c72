import { useState } from "preact/hooks";
import { Field } from "../field.js";
import { type Limits, limitsFrom, list, type TenantInfo } from "./model.js";

/** `POST /admin/keys` body (router README § Admin API § Keys). */
export interface MintBody extends Limits {
  tenant: string;
  role: string;
  name?: string;
  expiresAt?: string;
  allowedModels?: string[];
}

/** Roles a minter may give: a tenant admin mints `user` or `tenant-admin` keys of its own tenant. */
const rolesFor = (fixedTenant?: string) =>
  fixedTenant ? ["user", "tenant-admin"] : ["user", "tenant-admin", "viewer", "admin"];

export function MintForm(p: { tenants: TenantInfo[]; fixedTenant?: string; onMint: (b: MintBody) => void }) {
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
          <Field label="Tenant">
            <input value={p.fixedTenant} readOnly />
          </Field>
        ) : (
          <Field label="Tenant">
            <select value={tenant} onChange={set("tenant")}>
              {p.tenants.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name && t.name !== t.id ? `${t.name} (${t.id})` : t.id}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label="Role">
          <select value={f.role} onChange={set("role")}>
            {rolesFor(p.fixedTenant).map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </Field>
        <Field label="Name">
          <input value={f.name} onInput={set("name")} placeholder="optional" />
        </Field>
        <Field label="Expires">
          <input type="datetime-local" value={f.expires} onInput={set("expires")} />
        </Field>
        <Field label="Allowed models">
          <input value={f.models} onInput={set("models")} placeholder="all" />
        </Field>
        <Field label="Daily budget (USD)">
          <input inputMode="decimal" value={f.daily} onInput={set("daily")} />
        </Field>
        <Field label="Monthly budget (USD)">
          <input inputMode="decimal" value={f.monthly} onInput={set("monthly")} />
        </Field>
        <Field label="Requests / minute">
          <input inputMode="numeric" value={f.rpm} onInput={set("rpm")} />
        </Field>
        <Field label="Tokens / minute">
          <input inputMode="numeric" value={f.tpm} onInput={set("tpm")} />
        </Field>
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
