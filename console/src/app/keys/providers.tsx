import { useEffect, useState } from "preact/hooks";
import { json, post } from "../api.js";
import { fmtMs } from "../format.js";

interface Provider {
  name: string;
  kind: string;
  type?: string;
  source?: string;
  enabled?: boolean;
}

/** The answer of `POST /admin/providers/{name}/test` (fields read tolerantly). */
interface TestResult {
  ok?: boolean;
  status?: number;
  latencyMs?: number;
  error?: string | { message?: string };
  message?: string;
  method?: string;
}

/** Providers and clusters with a connectivity test each (never charged to a tenant). */
export function ProvidersCard() {
  const [providers, setProviders] = useState<Provider[]>([]);
  const [results, setResults] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  useEffect(() => {
    json<{ data: Provider[] }>("/admin/providers")
      .then((r) => setProviders(r.data))
      .catch((e: Error) => setError(e.message));
  }, []);
  const test = async (name: string) => {
    setResults((r) => ({ ...r, [name]: "testing…" }));
    let text: string;
    try {
      const t = await post<TestResult>(`/admin/providers/${encodeURIComponent(name)}/test`);
      const err = typeof t.error === "string" ? t.error : t.error?.message;
      text = `${t.ok === false ? "failed" : "ok"}${t.status ? ` (HTTP ${t.status})` : ""} in ${fmtMs(t.latencyMs)}${err ? `: ${err}` : ""}`;
    } catch (e) {
      text = `failed: ${(e as Error).message}`;
    }
    setResults((r) => ({ ...r, [name]: text }));
  };
  return (
    <section class="card wide" aria-labelledby="providers-title">
      <h2 id="providers-title">Providers and clusters</h2>
      {error && <p class="error">{error}</p>}
      <div class="table-wrap">
        <table aria-label="Providers">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Source</th>
              <th scope="col">Enabled</th>
              <th scope="col">Test</th>
            </tr>
          </thead>
          <tbody>
            {providers.map((p) => (
              <tr key={p.name}>
                <th scope="row" class="mono">
                  {p.name}
                </th>
                <td>
                  {p.kind}
                  {p.type ? ` (${p.type})` : ""}
                </td>
                <td>{p.source ?? "—"}</td>
                <td>{p.enabled === false ? "no" : "yes"}</td>
                <td>
                  <button type="button" class="secondary" onClick={() => void test(p.name)}>
                    Test <span class="sr-only">{p.name}</span>
                  </button>{" "}
                  <span role="status">{results[p.name] ?? ""}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
