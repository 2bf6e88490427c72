import { fmtUsd, projectMonth } from "../format.js";

interface PeriodFigures {
  period: string;
  spentUsd: number;
  reservedUsd: number;
  limitUsd: number | null;
  remainingUsd: number | null;
}

/** One entry of `GET /admin/budgets` (router/src/tenants/budget-report.ts). */
export interface BudgetRow {
  scope: "tenant" | "key";
  id: string;
  tenantId: string;
  periods: Partial<Record<"daily" | "monthly", PeriodFigures>>;
}

export function BudgetsTable({ rows, error }: { rows: BudgetRow[]; error?: string }) {
  return (
    <section class="card wide" aria-labelledby="budgets-title">
      <h2 id="budgets-title">Budgets</h2>
      {error && <p class="muted">{error}</p>}
      <div class="table-wrap">
        <table aria-label="Budgets per tenant and key">
          <thead>
            <tr>
              <th scope="col">Tenant / key</th>
              <th scope="col">Today spent</th>
              <th scope="col">Reserved</th>
              <th scope="col">Daily limit</th>
              <th scope="col">Month spent</th>
              <th scope="col">Monthly limit</th>
              <th scope="col">Month-end projection</th>
              <th scope="col">Used</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={8} class="muted">
                  No budgets.
                </td>
              </tr>
            )}
            {rows.map((r) => {
              const d = r.periods.daily;
              const m = r.periods.monthly;
              const limit = m?.limitUsd ?? d?.limitUsd ?? null;
              const spent = m?.spentUsd ?? d?.spentUsd ?? 0;
              const used = limit ? Math.min(100, (spent / limit) * 100) : null;
              return (
                <tr key={`${r.scope}:${r.id}`}>
                  <th scope="row">{r.scope === "tenant" ? r.id : `${r.tenantId} / key ${r.id}`}</th>
                  <td>{fmtUsd(d?.spentUsd)}</td>
                  <td>{fmtUsd((d?.reservedUsd ?? 0) + (m?.reservedUsd ?? 0))}</td>
                  <td>{d?.limitUsd === null || !d ? "—" : fmtUsd(d.limitUsd)}</td>
                  <td>{fmtUsd(m?.spentUsd)}</td>
                  <td>{m?.limitUsd === null || !m ? "—" : fmtUsd(m.limitUsd)}</td>
                  <td>{m ? fmtUsd(projectMonth(m.spentUsd)) : "—"}</td>
                  <td>
                    {used === null ? (
                      "—"
                    ) : (
                      <meter min={0} max={100} value={used} aria-label={`${Math.round(used)}% of limit`}>
                        {Math.round(used)}%
                      </meter>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
