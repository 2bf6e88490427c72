/**
 * gen-gguf: deterministic llama-architecture GGUF v3 test models (F32, Q8_0, Q4_0) with a
 * real SentencePiece-style vocabulary and a chat template: Qwen2.5-Instruct's with tools
 * (default) or TinyLlama's Zephyr template.
 */
export { cachedModelPath, ensureModel, modelCacheDir } from "./cache.js";
export type { TensorTypeName } from "./format.js";
export { type GeneratedModel, type GenerateOptions, generateGguf } from "./generate.js";
export { GENERATOR_VERSION } from "./llama.js";
export {
  DEFAULT_PRESET,
  DEFAULT_SEED,
  type ModelShape,
  PRESET_NAMES,
  PRESETS,
  type Preset,
  type PresetName,
} from "./presets.js";
export {
  type GgufHeader,
  type ReadValue,
  readGgufHeader,
  readTensorValues,
  type TensorInfo,
} from "./reader.js";
export {
  type AddedToken,
  CHAT_TEMPLATES,
  type ChatTemplate,
  DEFAULT_TEMPLATE,
  TEMPLATE_NAMES,
  type TemplateName,
} from "./templates/chat-template.js";
export { QWEN2_5_CHAT_TEMPLATE } from "./templates/qwen2.5.js";
export { ZEPHYR_CHAT_TEMPLATE } from "./templates/zephyr.js";
export { BOS_ID, EOS_ID, UNK_ID } from "./vocab.js";
