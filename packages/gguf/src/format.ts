/**
 * Constants of the GGUF v3 container (ggml docs/gguf.md): value types of metadata,
 * tensor (ggml) types and their block layouts.
 */

/** `GGUF` read as a little-endian uint32. */
export const GGUF_MAGIC = 0x46554747;
export const GGUF_VERSION = 3;
/** Alignment of the data section and of every tensor in it when `general.alignment` is absent. */
export const DEFAULT_ALIGNMENT = 32;

/** Metadata value types (`gguf_metadata_value_type`). */
export const ValueType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

/** The ggml tensor types this generator writes (`ggml_type`). */
export const TensorType = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8 } as const;
export type TensorTypeName = keyof typeof TensorType;

/** Elements per block and bytes per block of each tensor type. */
export const BLOCK: Record<TensorTypeName, { elements: number; bytes: number }> = {
  F32: { elements: 1, bytes: 4 },
  F16: { elements: 1, bytes: 2 },
  // f16 scale + 32 int8
  Q8_0: { elements: 32, bytes: 34 },
  // f16 scale + 16 bytes holding 32 nibbles
  Q4_0: { elements: 32, bytes: 18 },
};

/** `general.file_type` (`llama_ftype`) of a model whose matrices are all of one type. */
export const FILE_TYPE: Record<TensorTypeName, number> = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 7 };

/** Token types of `tokenizer.ggml.token_type` (`llama_token_type`). */
export const TokenType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

/** Bytes a tensor of `type` and `elements` elements takes in the data section. */
export function tensorBytes(type: TensorTypeName, elements: number): number {
  const block = BLOCK[type];
  if (elements % block.elements !== 0) {
    throw new Error(`${type} needs a multiple of ${block.elements} elements, got ${elements}`);
  }
  return (elements / block.elements) * block.bytes;
}

/** Rounds `n` up to a multiple of `alignment`. */
export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}
