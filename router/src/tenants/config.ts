/** The tenants, state and admin config sections live in @llm/contracts with the rest of the schema. */
export {
  type AdminConfig,
  type ApiKeyConfig,
  adminConfigSection,
  apiKeySection,
  type BudgetConfig,
  budgetSection,
  type RateLimitConfig,
  rateLimitSection,
  type StateConfig,
  stateConfigSection,
  type TenantConfig,
  tenantSection,
  tenantsConfigSection,
} from "@llm/contracts";
