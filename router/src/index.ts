/** @deprecated Use createRouter / startRouter; kept until scripts/ and bench/ switch. */
export { createApp, type RouterApp, type RouterDeps } from "./app.js";
export { ConfigError, formatPath } from "./config/errors.js";
export { loadConfigFile, parseConfig, parseConfigText } from "./config/load.js";
export {
  type ClusterConfig,
  type ExternalProviderConfig,
  type RouterConfig,
  type RoutingStrategyName,
  routerConfigSchema,
} from "./config/schema.js";
export { ConfigWatcher } from "./config/watch.js";
export {
  type CreateRouterOptions,
  createRouter,
  type LlmRouter,
  type RouterAccess,
} from "./create-router.js";
export { createPriceTable } from "./pricing/table.js";
export type { ModelPrice, PriceTable } from "./pricing/types.js";
export { createClusterAdapter, createOpenAIWireAdapter } from "./providers/cluster/adapter.js";
export { type AdapterRegistry, defaultRegistry } from "./providers/registry.js";
export { type CallContext, type ProviderAdapter, UpstreamError } from "./providers/types.js";
export { type RunningRouter, type StartRouterOptions, startRouter } from "./server.js";
export { createOpenGuard } from "./tenants/open-guard.js";
export { noopUsageSink } from "./usage/noop-sink.js";
