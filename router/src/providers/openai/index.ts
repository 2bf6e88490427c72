export { createOpenAIAdapter, type OpenAIAdapterConfig, openaiFromConfig } from "./adapter.js";
export {
  createNativeResponses,
  type NativeResponses,
  type NativeResponsesEvent,
  nativeResponsesOf,
  speaksResponses,
} from "./responses.js";
