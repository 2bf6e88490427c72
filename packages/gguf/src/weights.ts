/**
 * Tensor data sources: deterministic random weights and constant norms, yielded in
 * chunks of about 4 MB. Quantized matrices are drawn directly as random quant blocks
 * with a fixed scale (uniform quants, standard deviation about 0.02) rather than
 * quantized from floats: same statistics, a fraction of the time.
 */
import { BLOCK, type TensorTypeName } from "./format.js";
import { toHalf } from "./half.js";
import type { Random } from "./random.js";

const CHUNK_BYTES = 4 << 20;
/** Standard deviation of the random weights (a common init scale for transformers). */
export const WEIGHT_STD = 0.02;

/** Options of a random matrix. */
export interface RandomMatrix {
  /** Storage type. */
  type: TensorTypeName;
  /** Elements per row (`dims[0]`). */
  rowLength: number;
  rows: number;
  rng: Random;
  /** Leading rows stored as exact zeros (see `zeroRows` in llama.ts for why). */
  zeroRows?: number;
  /** Trailing rows stored as exact zeros (the vocabulary's added tokens). */
  zeroTailRows?: number;
}

/** Whether row `row` is stored as zeros. Random numbers are drawn for every row alike, so
 * zeroing rows never shifts the values of the others. */
function isZeroRow(m: RandomMatrix, row: number): boolean {
  return row < (m.zeroRows ?? 0) || row >= m.rows - (m.zeroTailRows ?? 0);
}

/** Yields F32 values, `fill(i)` giving element i. */
function* f32Chunks(count: number, fill: (buf: Float32Array, start: number) => void): Generator<Uint8Array> {
  const perChunk = CHUNK_BYTES / 4;
  const buf = new Float32Array(Math.min(perChunk, count));
  for (let start = 0; start < count; start += perChunk) {
    const n = Math.min(perChunk, count - start);
    const view = buf.subarray(0, n);
    fill(view, start);
    yield new Uint8Array(view.buffer, 0, n * 4);
  }
}

/** A tensor of `count` F32 ones (RMS norm weights). */
export function ones(count: number): Iterable<Uint8Array> {
  return f32Chunks(count, (buf) => buf.fill(1));
}

function* uniformF32(m: RandomMatrix): Generator<Uint8Array> {
  // Uniform on [-a, a] has standard deviation a / sqrt(3).
  const a = WEIGHT_STD * Math.sqrt(3);
  yield* f32Chunks(m.rows * m.rowLength, (buf, start) => {
    for (let i = 0; i < buf.length; i++) {
      const v = (m.rng.next() * 2 - 1) * a;
      buf[i] = isZeroRow(m, Math.floor((start + i) / m.rowLength)) ? 0 : v;
    }
  });
}

function* randomBlocks(m: RandomMatrix, scale: number): Generator<Uint8Array> {
  const { elements, bytes } = BLOCK[m.type];
  const blocksPerRow = m.rowLength / elements;
  const total = blocksPerRow * m.rows;
  const scaleBits = toHalf(scale);
  // Whole blocks per chunk, and a multiple of 4 bytes so the random fill is word-aligned.
  const perChunk = Math.floor(CHUNK_BYTES / bytes / 4) * 4;
  const buf = new Uint8Array(Math.min(perChunk, total) * bytes + 4);
  const words = new Uint32Array(buf.buffer, 0, Math.floor(buf.length / 4));
  for (let first = 0; first < total; first += perChunk) {
    const n = Math.min(perChunk, total - first);
    const len = n * bytes;
    const wordCount = Math.ceil(len / 4);
    for (let w = 0; w < wordCount; w++) words[w] = m.rng.nextU32();
    // Every block starts with its f16 scale; a zero scale makes the whole block zero.
    for (let b = 0; b < n; b++) {
      const bits = isZeroRow(m, Math.floor((first + b) / blocksPerRow)) ? 0 : scaleBits;
      const at = b * bytes;
      buf[at] = bits & 0xff;
      buf[at + 1] = bits >>> 8;
    }
    yield buf.subarray(0, len);
  }
}

/** A random weight matrix in the requested storage type. */
export function randomMatrix(m: RandomMatrix): Iterable<Uint8Array> {
  switch (m.type) {
    case "F32":
      return uniformF32(m);
    // Random int8 quants are uniform on [-128, 127]: standard deviation ~73.9.
    case "Q8_0":
      return randomBlocks(m, WEIGHT_STD / 73.9);
    // Random nibbles give (q - 8) uniform on [-8, 7]: standard deviation ~4.61.
    case "Q4_0":
      return randomBlocks(m, WEIGHT_STD / 4.61);
    case "F16":
      throw new Error("F16 matrices are not generated; use F32, Q8_0 or Q4_0");
  }
}
