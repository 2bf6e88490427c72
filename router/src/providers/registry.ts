import type { ClusterConfig, ExternalProviderConfig } from "../config/schema.js";
import { createClusterAdapter, createOpenAIWireAdapter } from "./cluster/adapter.js";
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

/**
 * Stand-in for the OpenAI provider until `providers/openai/` lands: any OpenAI-compatible API
 * with a bearer token. Replace the `openai` entry below with the real adapter.
 */
const openaiWire: ExternalAdapterFactory = (p) =>
  createOpenAIWireAdapter({
    baseURL: p.baseURL ?? "https://api.openai.com/v1",
    label: p.name,
    headers: p.apiKey ? { authorization: `Bearer ${p.apiKey}` } : undefined,
    connections: 32,
  });

export const defaultRegistry: AdapterRegistry = {
  cluster: createClusterAdapter,
  // External providers (providers work): openai, anthropic (config alias claude), gemini.
  openai: openaiWire,
};
