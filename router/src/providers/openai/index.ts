export { createOpenAIAdapter, type OpenAIAdapterConfig, openaiFromConfig } from "./adapter.js";
