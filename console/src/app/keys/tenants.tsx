import { useState } from "preact/hooks";
import { json, post } from "../api.js";
import { Field } from "../field.js";
import { fmtUsd } from "../format.js";
import type { Role } from "../session.js";
import { limitsFrom, type TenantInfo } from "./model.js";

/**
 * Tenants with their budgets and limits. API-managed tenants can be edited (`PUT /admin/tenants/{id}`,
 * which replaces the tenant, so the other fields are sent back unchanged) and deleted; YAML ones are
 * read-only (the router answers 409). Admins create tenants here.
 */
export function TenantsCard(p: { tenants: TenantInfo[]; onChanged: () => Promise<void>; role: Role }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [status, setStatus] = useState("");
  const canEdit = p.role === "admin" || p.role === "tenant-admin";
  /** Runs one change; true when the router accepted it. */
  const act = async (what: string, fn: () => Promise<unknown>): Promise<boolean> => {
    setStatus(`${what}…`);
    try {
      await fn();
      setStatus(`${what}: done`);
      setEditing(null);
      await p.onChanged();
      return true;
    } catch (e) {
      setStatus(`${what}: ${(e as Error).message}`);
      return false;
    }
  };
  const editingTenant = p.tenants.find((t) => t.id === editing);
  return (
    <section class="card wide" aria-labelledby="tenants-title">
      <h2 id="tenants-title">Tenants</h2>
      <p class="status" role="status">
        {status}
      </p>
      <div class="table-wrap">
        <table aria-label="Tenants">
          <thead>
            <tr>
              <th scope="col">Tenant</th>
              <th scope="col">Source</th>
              <th scope="col">Daily budget</th>
              <th scope="col">Monthly budget</th>
              <th scope="col">Requests / min</th>
              <th scope="col">Tokens / min</th>
              <th scope="col">Keys</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {p.tenants.map((t) => (
              <tr key={t.id}>
                <th scope="row">{t.name && t.name !== t.id ? `${t.name} (${t.id})` : t.id}</th>
                <td>{t.source ?? "config"}</td>
                <td>{fmtUsd(t.budgets?.dailyUsd)}</td>
                <td>{fmtUsd(t.budgets?.monthlyUsd)}</td>
                <td>{t.rateLimit?.requestsPerMinute ?? "—"}</td>
                <td>{t.rateLimit?.tokensPerMinute ?? "—"}</td>
                <td>{t.keys?.length ?? "—"}</td>
                <td class="actions">
                  {canEdit && t.source === "admin" ? (
                    <>
                      <button
                        type="button"
                        class="secondary"
                        onClick={() => setEditing(editing === t.id ? null : t.id)}
                      >
                        Set limits <span class="sr-only">of {t.id}</span>
                      </button>
                      {p.role === "admin" && (
                        <button
                          type="button"
                          class="danger"
                          onClick={() =>
                            confirm(`Delete tenant ${t.id} and its minted keys?`) &&
                            void act(`Delete ${t.id}`, () =>
                              json(`/admin/tenants/${encodeURIComponent(t.id)}`, { method: "DELETE" }),
                            )
                          }
                        >
                          Delete <span class="sr-only">{t.id}</span>
                        </button>
                      )}
                    </>
                  ) : (
                    <span class="muted">{t.source === "admin" ? "—" : "from config"}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editingTenant && (
        <LimitsForm
          key={editingTenant.id}
          title={`Limits of ${editingTenant.id}`}
          tenant={editingTenant}
          submit="Save limits"
          onSave={(limits) =>
            act(`Save ${editingTenant.id}`, () =>
              json(`/admin/tenants/${encodeURIComponent(editingTenant.id)}`, {
                method: "PUT",
                body: JSON.stringify({
                  name: editingTenant.name,
                  allowedModels: editingTenant.allowedModels ?? undefined,
                  allowedTargets: editingTenant.allowedTargets ?? undefined,
                  ...limits,
                }),
              }),
            )
          }
        />
      )}
      {p.role === "admin" && (
        <CreateTenant onCreate={(body) => act(`Create ${body.id}`, () => post("/admin/tenants", body))} />
      )}
    </section>
  );
}

function CreateTenant({ onCreate }: { onCreate: (body: { id: string; name?: string }) => Promise<boolean> }) {
  const [id, setId] = useState("");
  const [name, setName] = useState("");
  return (
    <form
      class="row"
      aria-label="Create a tenant"
      onSubmit={(e) => {
        e.preventDefault();
        void onCreate({ id: id.trim(), ...(name.trim() ? { name: name.trim() } : {}) }).then((ok) => {
          if (!ok) return;
          setId("");
          setName("");
        });
      }}
    >
      <Field label="New tenant id">
        <input value={id} required pattern="[A-Za-z0-9._\-]+" onInput={(e) => setId(e.currentTarget.value)} />
      </Field>
      <Field label="Name">
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="optional" />
      </Field>
      <button type="submit" disabled={!id.trim()}>
        Create tenant
      </button>
    </form>
  );
}

function LimitsForm(p: {
  title: string;
  tenant: TenantInfo;
  submit: string;
  onSave: (limits: object) => void;
}) {
  const b = p.tenant.budgets;
  const r = p.tenant.rateLimit;
  const s = (v: number | undefined) => (v === undefined ? "" : String(v));
  const [f, setF] = useState({
    daily: s(b?.dailyUsd),
    monthly: s(b?.monthlyUsd),
    rpm: s(r?.requestsPerMinute),
    tpm: s(r?.tokensPerMinute),
  });
  const set = (k: keyof typeof f) => (e: Event) =>
    setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <form
      class="grid"
      aria-label={p.title}
      onSubmit={(e) => {
        e.preventDefault();
        p.onSave(limitsFrom(f));
      }}
    >
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
      <div class="row">
        <button type="submit">{p.submit}</button>
      </div>
    </form>
  );
}
