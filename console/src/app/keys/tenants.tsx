import { useState } from "preact/hooks";
import { json } from "../api.js";
import { fmtUsd } from "../format.js";
import { limitsFrom, type TenantInfo } from "./model.js";

/** Tenants with their budgets and limits; admin-managed ones can be edited (YAML ones are read-only). */
export function TenantsCard(p: { tenants: TenantInfo[]; onChanged: () => Promise<void>; readOnly: boolean }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [status, setStatus] = useState("");
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
                <td>
                  {!p.readOnly && t.source === "admin" && (
                    <button
                      type="button"
                      class="secondary"
                      onClick={() => setEditing(editing === t.id ? null : t.id)}
                    >
                      Set limits <span class="sr-only">of {t.id}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editing && (
        <LimitsForm
          tenant={p.tenants.find((t) => t.id === editing)!}
          onSave={async (body) => {
            setStatus(`Saving ${editing}…`);
            try {
              await json(`/admin/tenants/${encodeURIComponent(editing)}`, {
                method: "PATCH",
                body: JSON.stringify(body),
              });
              setStatus(`Saved ${editing}`);
              setEditing(null);
              await p.onChanged();
            } catch (e) {
              setStatus(`Saving ${editing}: ${(e as Error).message}`);
            }
          }}
        />
      )}
    </section>
  );
}

function LimitsForm(p: { tenant: TenantInfo; onSave: (body: object) => void }) {
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
      aria-label={`Limits of ${p.tenant.id}`}
      onSubmit={(e) => {
        e.preventDefault();
        p.onSave({ budgets: null, rateLimit: null, ...limitsFrom(f) });
      }}
    >
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
      <div class="row">
        <button type="submit">Save limits</button>
      </div>
    </form>
  );
}
