import type { ClusterConfig, ExternalProviderConfig } from "../config/schema.js";
import { anthropicFromConfig } from "./anthropic/index.js";
import { createClusterAdapter } from "./cluster/adapter.js";
import { geminiFromConfig } from "./gemini/index.js";
import { openaiFromConfig } from "./openai/index.js";
import type { ProviderAdapter } from "./types.js";

export type ClusterAdapterFactory = (cluster: ClusterConfig) => ProviderAdapter;
export type ExternalAdapterFactory = (provider: ExternalProviderConfig) => ProviderAdapter;

/** Target type -> adapter factory. Adding a provider adds an entry here and never touches a handler. */
export interface AdapterRegistry {
  cluster: ClusterAdapterFactory;
  openai?: ExternalAdapterFactory;
  anthropic?: ExternalAdapterFactory;
  gemini?: ExternalAdapterFactory;
}

export const defaultRegistry: AdapterRegistry = {
  cluster: createClusterAdapter,
  // External providers (providers work): openai, anthropic (config alias claude), gemini.
  openai: openaiFromConfig,
  anthropic: anthropicFromConfig,
  gemini: geminiFromConfig,
};
