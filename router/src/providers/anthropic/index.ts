export { type AnthropicAdapterConfig, anthropicFromConfig, createAnthropicAdapter } from "./adapter.js";
export { type AnthropicNative, type AnthropicNativeAdapter, anthropicNativeOf } from "./native.js";
export { anthropicToChunks } from "./stream.js";
export {
  DEFAULT_ANTHROPIC_MAX_TOKENS,
  finishReason,
  fromAnthropicResponse,
  toAnthropicRequest,
} from "./translate.js";
