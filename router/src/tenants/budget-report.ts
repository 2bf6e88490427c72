import type { StateStore } from "../state/types.js";
import type { BudgetConfig, TenantConfig } from "./config.js";
import { BUDGET_PERIODS, budgetKey } from "./limit-specs.js";
import { type Period, periodId } from "./periods.js";

/** One tenant's or key's spend and limits for the current day and month (GET /admin/budgets). */
export interface BudgetReport {
  scope: "tenant" | "key";
  id: string;
  tenantId: string;
  periods: Partial<
    Record<
      Period,
      {
        period: string;
        spentUsd: number;
        reservedUsd: number;
        limitUsd: number | null;
        remainingUsd: number | null;
      }
    >
  >;
}

/** Spend and limits per tenant and key for the current day and month, as the state store holds them. */
export async function budgetReport(
  store: StateStore,
  tenants: readonly TenantConfig[],
  now: number,
): Promise<BudgetReport[]> {
  const out: BudgetReport[] = [];
  const seen = new Set<string>();
  for (const tenant of tenants) {
    const scopes: [string, BudgetConfig | undefined][] = [[`tenant:${tenant.id}`, tenant.budgets]];
    for (const k of tenant.keys) scopes.push([`key:${k.id}`, k.budgets]);
    for (const [scope, b] of scopes) {
      if (seen.has(scope)) continue;
      seen.add(scope);
      const periods: BudgetReport["periods"] = {};
      for (const period of BUDGET_PERIODS) {
        const s = await store.getBudget(budgetKey(scope, period, now));
        const limit = period === "daily" ? b?.dailyUsd : b?.monthlyUsd;
        periods[period] = {
          period: periodId(period, now),
          spentUsd: s.spent,
          reservedUsd: s.reserved,
          limitUsd: limit ?? null,
          remainingUsd: limit === undefined ? null : Math.max(0, limit - s.spent - s.reserved),
        };
      }
      out.push({
        scope: scope.startsWith("tenant:") ? "tenant" : "key",
        id: scope.slice(scope.indexOf(":") + 1),
        tenantId: tenant.id,
        periods,
      });
    }
  }
  return out;
}
