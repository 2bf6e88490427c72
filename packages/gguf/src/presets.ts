/** Model shapes the generator knows by name. */
import type { TensorTypeName } from "./format.js";

/** Shape of a llama-architecture model. */
export interface ModelShape {
  /** Transformer blocks (`llama.block_count`). */
  layers: number;
  /** Hidden size (`llama.embedding_length`); a multiple of `heads`, and of 32 when quantized. */
  embedding: number;
  /** Attention heads (`llama.attention.head_count`). */
  heads: number;
  /** Key/value heads (`llama.attention.head_count_kv`); divides `heads` (grouped-query attention). */
  kvHeads: number;
  /** Feed-forward size (`llama.feed_forward_length`); a multiple of 32 when quantized. */
  ffn: number;
  /** Trained context length (`llama.context_length`). */
  context: number;
  /** Vocabulary size: 354 (controls, bytes, ASCII) up to about 36,000. */
  vocab: number;
}

/** A named shape plus the storage type of its weight matrices (norms always stay F32). */
export interface Preset {
  shape: ModelShape;
  /** Storage type of the 2-D weight matrices. */
  matrixType: TensorTypeName;
  /** One line for `--help` and the catalog. */
  description: string;
}

const TINY: ModelShape = {
  layers: 2,
  embedding: 64,
  heads: 4,
  kvHeads: 2,
  ffn: 128,
  context: 2048,
  vocab: 512,
};
/** TinyLlama-1.1B's shape: 22 layers, 2048 hidden, 32 heads with 4 KV heads, 32000 tokens. */
const TINYLLAMA: ModelShape = {
  layers: 22,
  embedding: 2048,
  heads: 32,
  kvHeads: 4,
  ffn: 5632,
  context: 2048,
  vocab: 32000,
};

export const PRESETS = {
  tiny: { shape: TINY, matrixType: "F32", description: "2 layers, 64 hidden, 512 tokens, F32 (~0.6 MB)" },
  "tiny-q8_0": { shape: TINY, matrixType: "Q8_0", description: "the tiny shape with Q8_0 matrices" },
  "tiny-q4_0": { shape: TINY, matrixType: "Q4_0", description: "the tiny shape with Q4_0 matrices" },
  "tinyllama-q8_0": {
    shape: TINYLLAMA,
    matrixType: "Q8_0",
    description: "TinyLlama-1.1B shape, Q8_0 (~1.2 GB)",
  },
  "tinyllama-q4_0": {
    shape: TINYLLAMA,
    matrixType: "Q4_0",
    description: "TinyLlama-1.1B shape, Q4_0 (~620 MB)",
  },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as [PresetName, ...PresetName[]];
export const DEFAULT_PRESET: PresetName = "tiny";
export const DEFAULT_SEED = 1;
