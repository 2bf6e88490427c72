export { createOpenAIAdapter, type OpenAIAdapterConfig, openaiFromConfig } from "./adapter.js";
export { createHttpClient, type HttpClient, type HttpOptions, joinUrl } from "./http.js";
export { parseSse, type SseEvent } from "./sse.js";
