import {
  type BuildRouterConfigOptions,
  buildRouterConfig,
  type RouterConfigData,
  type StackOutputs,
} from "@llm/contracts";
import { stringify } from "yaml";
import type { GlobalConfig } from "../config.js";

/**
 * The options the global stack passes to `buildRouterConfig` (the same pure function
 * `pnpm router-config` uses): the router options from config, extra sections (tenants...)
 * verbatim, secrets inline because the result only ever lands in a Kubernetes Secret.
 */
export function routerConfigOptions(config: GlobalConfig): BuildRouterConfigOptions {
  return { ...config.router, extra: config.routerExtra, secrets: "inline" };
}

/** Router config for the given cloud stack outputs. */
export function routerConfigFor(outputs: StackOutputs[], config: GlobalConfig): RouterConfigData {
  return buildRouterConfig(outputs, routerConfigOptions(config));
}

/** The config as the YAML file the router reads. */
export function routerConfigYaml(data: RouterConfigData): string {
  return stringify(data);
}
