export { createGeminiAdapter, type GeminiAdapterConfig, geminiFromConfig } from "./adapter.js";
export { finishReason, fromGeminiResponse, toGeminiRequest } from "./translate.js";
