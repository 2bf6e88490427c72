/**
 * The router config schema lives in @llm/contracts (one declaration for the router and
 * `buildRouterConfig`); re-exported here so router modules keep importing it from one place.
 */
export {
  type ClusterConfig,
  type ClusterConfigInput,
  circuitBreakerSection,
  clusterSection,
  durationSchema as duration,
  type ExternalProviderConfig,
  type ExternalProviderConfigInput,
  externalProviderSection,
  type RouterConfig,
  type RouterConfigInput,
  type RouterSettings,
  type RoutingStrategyName,
  routerConfigSchema,
  routerSection,
  routingStrategyName,
  serverSection,
} from "@llm/contracts";
