/**
 * gen-gguf: deterministic llama-architecture GGUF v3 test models (F32, Q8_0, Q4_0) with a
 * real SentencePiece-style vocabulary and TinyLlama's chat template.
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
export { BOS_ID, EOS_ID, UNK_ID, ZEPHYR_CHAT_TEMPLATE } from "./vocab.js";
