import { Counter, type Registry } from "prom-client";
import type { UsageRecord } from "./types.js";

export interface TenantMetrics {
  observe(rec: UsageRecord): void;
}

/** Reuses a counter already registered (two ledgers on one registry, hot reload) instead of throwing. */
function counter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

/** Per-tenant Prometheus counters: spend, tokens by type, requests by status. */
export function createTenantMetrics(registry: Registry): TenantMetrics {
  const cost = counter(registry, "llm_router_tenant_cost_usd_total", "USD spent per tenant", ["tenant"]);
  const tokens = counter(
    registry,
    "llm_router_tenant_tokens_total",
    "Tokens per tenant by type (prompt, completion)",
    ["tenant", "type"],
  );
  const requests = counter(
    registry,
    "llm_router_tenant_requests_total",
    "Requests per tenant by HTTP status",
    ["tenant", "status"],
  );
  return {
    observe(r) {
      // inc by 0 still creates the series, so a tenant with only free requests shows up at 0.
      cost.inc({ tenant: r.tenantId }, Math.max(0, r.costUsd));
      if (r.promptTokens > 0) tokens.inc({ tenant: r.tenantId, type: "prompt" }, r.promptTokens);
      if (r.completionTokens > 0) tokens.inc({ tenant: r.tenantId, type: "completion" }, r.completionTokens);
      requests.inc({ tenant: r.tenantId, status: String(r.status) });
    },
  };
}
