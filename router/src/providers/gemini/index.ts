export { createGeminiAdapter, type GeminiAdapterConfig } from "./adapter.js";
export { finishReason, fromGeminiResponse, toGeminiRequest } from "./translate.js";
