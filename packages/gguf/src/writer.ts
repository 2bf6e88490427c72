/**
 * Streaming GGUF v3 writer: the header, metadata and tensor infos are built in memory
 * (they are small), tensor data is pulled chunk by chunk from each tensor's source and
 * written straight to disk, so a 620 MB model never sits in memory.
 */
import { open } from "node:fs/promises";
import {
  alignUp,
  DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  TensorType,
  type TensorTypeName,
  tensorBytes,
  ValueType,
} from "./format.js";

/** A typed metadata value; GGUF stores the type next to each value. */
export type GgufValue =
  | { type: "string"; value: string }
  | { type: "u32"; value: number }
  | { type: "i32"; value: number }
  | { type: "f32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "u64"; value: number }
  | { type: "string[]"; value: readonly string[] }
  | { type: "f32[]"; value: ArrayLike<number> }
  | { type: "i32[]"; value: ArrayLike<number> };

/** Ordered metadata: GGUF keeps insertion order, which readers show as-is. */
export type Metadata = ReadonlyArray<readonly [key: string, value: GgufValue]>;

/** One tensor to write. */
export interface TensorSource {
  /** Tensor name as llama.cpp looks it up, e.g. `blk.0.attn_q.weight`. */
  name: string;
  /** Dimensions in ggml order: `dims[0]` is the contiguous (row) dimension. */
  dims: readonly number[];
  /** Storage type; quantized types need `dims[0]` to be a multiple of the block size. */
  type: TensorTypeName;
  /**
   * Yields the tensor's bytes in order, in chunks. The writer finishes writing a chunk
   * before asking for the next, so a source may reuse one buffer.
   */
  chunks(): Iterable<Uint8Array>;
}

/** Growable little-endian byte buffer for the header part of the file. */
class ByteBuilder {
  private buf = Buffer.alloc(1 << 16);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  u8(v: number): void {
    this.reserve(1);
    this.length = this.buf.writeUInt8(v, this.length);
  }
  u32(v: number): void {
    this.reserve(4);
    this.length = this.buf.writeUInt32LE(v, this.length);
  }
  i32(v: number): void {
    this.reserve(4);
    this.length = this.buf.writeInt32LE(v, this.length);
  }
  f32(v: number): void {
    this.reserve(4);
    this.length = this.buf.writeFloatLE(v, this.length);
  }
  u64(v: number): void {
    this.reserve(8);
    this.length = this.buf.writeBigUInt64LE(BigInt(v), this.length);
  }
  string(s: string): void {
    const bytes = Buffer.from(s, "utf8");
    this.u64(bytes.length);
    this.reserve(bytes.length);
    bytes.copy(this.buf, this.length);
    this.length += bytes.length;
  }
  padTo(alignment: number): void {
    const target = alignUp(this.length, alignment);
    this.reserve(target - this.length);
    this.buf.fill(0, this.length, target);
    this.length = target;
  }
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function writeValue(out: ByteBuilder, v: GgufValue): void {
  switch (v.type) {
    case "string":
      out.u32(ValueType.STRING);
      out.string(v.value);
      return;
    case "u32":
      out.u32(ValueType.UINT32);
      out.u32(v.value);
      return;
    case "i32":
      out.u32(ValueType.INT32);
      out.i32(v.value);
      return;
    case "f32":
      out.u32(ValueType.FLOAT32);
      out.f32(v.value);
      return;
    case "bool":
      out.u32(ValueType.BOOL);
      out.u8(v.value ? 1 : 0);
      return;
    case "u64":
      out.u32(ValueType.UINT64);
      out.u64(v.value);
      return;
    case "string[]":
      out.u32(ValueType.ARRAY);
      out.u32(ValueType.STRING);
      out.u64(v.value.length);
      for (const s of v.value) out.string(s);
      return;
    case "f32[]":
      out.u32(ValueType.ARRAY);
      out.u32(ValueType.FLOAT32);
      out.u64(v.value.length);
      for (let i = 0; i < v.value.length; i++) out.f32(v.value[i]!);
      return;
    case "i32[]":
      out.u32(ValueType.ARRAY);
      out.u32(ValueType.INT32);
      out.u64(v.value.length);
      for (let i = 0; i < v.value.length; i++) out.i32(v.value[i]!);
      return;
  }
}

function elementsOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Writes a GGUF v3 file at `path` and returns its size in bytes. */
export async function writeGguf(
  path: string,
  metadata: Metadata,
  tensors: readonly TensorSource[],
): Promise<number> {
  const alignEntry = metadata.find(([k]) => k === "general.alignment");
  const alignment = alignEntry ? Number(alignEntry[1].value) : DEFAULT_ALIGNMENT;

  const head = new ByteBuilder();
  head.u32(GGUF_MAGIC);
  head.u32(GGUF_VERSION);
  head.u64(tensors.length);
  head.u64(metadata.length);
  for (const [key, value] of metadata) {
    head.string(key);
    writeValue(head, value);
  }
  // Tensor infos carry offsets relative to the data section, each aligned.
  const sizes: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    const size = tensorBytes(t.type, elementsOf(t.dims));
    if (t.type !== "F32" && t.type !== "F16" && t.dims[0]! % 32 !== 0) {
      throw new Error(`${t.name}: ${t.type} rows need a multiple of 32 elements, got ${t.dims[0]}`);
    }
    head.string(t.name);
    head.u32(t.dims.length);
    for (const d of t.dims) head.u64(d);
    head.u32(TensorType[t.type]);
    head.u64(offset);
    sizes.push(size);
    offset = alignUp(offset + size, alignment);
  }
  head.padTo(alignment);

  const file = await open(path, "w");
  try {
    let written = 0;
    const write = async (bytes: Uint8Array) => {
      await file.write(bytes, 0, bytes.length, written);
      written += bytes.length;
    };
    await write(head.bytes());
    const zeros = new Uint8Array(alignment);
    for (const [i, t] of tensors.entries()) {
      let tensorWritten = 0;
      for (const chunk of t.chunks()) {
        tensorWritten += chunk.length;
        await write(chunk);
      }
      if (tensorWritten !== sizes[i]) {
        throw new Error(`${t.name}: source gave ${tensorWritten} bytes, expected ${sizes[i]}`);
      }
      const pad = alignUp(written, alignment) - written;
      // Pad after every tensor, the last included, as ggml's own writer does.
      if (pad) await write(zeros.subarray(0, pad));
    }
    return written;
  } finally {
    await file.close();
  }
}
