/**
 * Reads the header of a GGUF file (metadata and tensor infos, not the tensor data), so
 * tests and the model cache can check what a file holds without loading it.
 */
import { closeSync, openSync, readSync } from "node:fs";
import {
  alignUp,
  BLOCK,
  DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  TensorType,
  type TensorTypeName,
  ValueType,
} from "./format.js";
import { fromHalf } from "./half.js";

/** A metadata value as read: numbers (u64/i64 too, while safe), booleans, strings, arrays. */
export type ReadValue = number | bigint | boolean | string | ReadValue[];

/** One entry of the tensor-info table. */
export interface TensorInfo {
  name: string;
  /** Dimensions in ggml order. */
  dims: number[];
  /** Type name, or `type<N>` for a ggml type this reader does not know. */
  type: TensorTypeName | `type${number}`;
  /** Absolute offset of the data in the file. */
  offset: number;
}

/** Parsed header of a GGUF file. */
export interface GgufHeader {
  version: number;
  metadata: Map<string, ReadValue>;
  tensors: TensorInfo[];
  alignment: number;
  /** Absolute offset of the data section. */
  dataOffset: number;
}

const TYPE_NAMES = new Map<number, TensorTypeName>(
  Object.entries(TensorType).map(([k, v]) => [v, k as TensorTypeName]),
);

/** Sequential reader over a file that pulls more bytes as parsing needs them. */
class Cursor {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  pos = 0;

  constructor(private readonly fd: number) {}

  private need(n: number): number {
    const end = this.pos + n;
    if (end > this.bufStart + this.buf.length) {
      const keep = this.buf.subarray(this.pos - this.bufStart);
      const more = Buffer.alloc(Math.max(n, 1 << 20));
      const got = readSync(this.fd, more, 0, more.length, this.bufStart + this.buf.length);
      this.buf = Buffer.concat([keep, more.subarray(0, got)]);
      this.bufStart = this.pos;
      if (end > this.bufStart + this.buf.length) throw new Error(`GGUF truncated at byte ${this.pos}`);
    }
    return this.pos - this.bufStart;
  }
  private take<T>(n: number, read: (at: number) => T): T {
    const v = read(this.need(n));
    this.pos += n;
    return v;
  }
  u8 = () => this.take(1, (at) => this.buf.readUInt8(at));
  i8 = () => this.take(1, (at) => this.buf.readInt8(at));
  u16 = () => this.take(2, (at) => this.buf.readUInt16LE(at));
  i16 = () => this.take(2, (at) => this.buf.readInt16LE(at));
  u32 = () => this.take(4, (at) => this.buf.readUInt32LE(at));
  i32 = () => this.take(4, (at) => this.buf.readInt32LE(at));
  f32 = () => this.take(4, (at) => this.buf.readFloatLE(at));
  f64 = () => this.take(8, (at) => this.buf.readDoubleLE(at));
  u64 = () => safe(this.take(8, (at) => this.buf.readBigUInt64LE(at)));
  i64 = () => safe(this.take(8, (at) => this.buf.readBigInt64LE(at)));
  string = (): string => {
    const len = Number(this.u64());
    return this.take(len, (at) => this.buf.toString("utf8", at, at + len));
  };
}

function safe(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}

function readValue(c: Cursor, type: number): ReadValue {
  switch (type) {
    case ValueType.UINT8:
      return c.u8();
    case ValueType.INT8:
      return c.i8();
    case ValueType.UINT16:
      return c.u16();
    case ValueType.INT16:
      return c.i16();
    case ValueType.UINT32:
      return c.u32();
    case ValueType.INT32:
      return c.i32();
    case ValueType.FLOAT32:
      return c.f32();
    case ValueType.BOOL:
      return c.u8() !== 0;
    case ValueType.STRING:
      return c.string();
    case ValueType.ARRAY: {
      const itemType = c.u32();
      const n = Number(c.u64());
      const items: ReadValue[] = new Array(n);
      for (let i = 0; i < n; i++) items[i] = readValue(c, itemType);
      return items;
    }
    case ValueType.UINT64:
      return c.u64();
    case ValueType.INT64:
      return c.i64();
    case ValueType.FLOAT64:
      return c.f64();
    default:
      throw new Error(`unknown GGUF value type ${type} at byte ${c.pos}`);
  }
}

/** Parses the header, metadata and tensor infos of the GGUF file at `path`. */
export function readGgufHeader(path: string): GgufHeader {
  const fd = openSync(path, "r");
  try {
    const c = new Cursor(fd);
    const magic = c.u32();
    if (magic !== GGUF_MAGIC) throw new Error(`${path}: not a GGUF file (magic 0x${magic.toString(16)})`);
    const version = c.u32();
    if (version !== 2 && version !== 3) throw new Error(`${path}: unsupported GGUF version ${version}`);
    const tensorCount = Number(c.u64());
    const kvCount = Number(c.u64());
    const metadata = new Map<string, ReadValue>();
    for (let i = 0; i < kvCount; i++) {
      const key = c.string();
      metadata.set(key, readValue(c, c.u32()));
    }
    const alignment = Number(metadata.get("general.alignment") ?? DEFAULT_ALIGNMENT);
    const infos: { name: string; dims: number[]; type: number; rel: number }[] = [];
    for (let i = 0; i < tensorCount; i++) {
      const name = c.string();
      const nDims = c.u32();
      const dims: number[] = [];
      for (let d = 0; d < nDims; d++) dims.push(Number(c.u64()));
      infos.push({ name, dims, type: c.u32(), rel: Number(c.u64()) });
    }
    const dataOffset = alignUp(c.pos, alignment);
    const tensors = infos.map((t) => ({
      name: t.name,
      dims: t.dims,
      type: TYPE_NAMES.get(t.type) ?? (`type${t.type}` as const),
      offset: dataOffset + t.rel,
    }));
    return { version, metadata, tensors, alignment, dataOffset };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the first `count` values of a tensor as floats (F32, F16, Q8_0 and Q4_0),
 * dequantizing blocks: Q8_0 `d * q`, Q4_0 `d * (q - 8)` with the low nibbles holding
 * elements 0..15 of a block and the high nibbles 16..31.
 */
export function readTensorValues(path: string, tensor: TensorInfo, count: number): Float32Array {
  const type = tensor.type;
  if (!(type in BLOCK)) throw new Error(`${tensor.name}: cannot read type ${type}`);
  const { elements, bytes } = BLOCK[type as TensorTypeName];
  const blocks = Math.ceil(count / elements);
  const raw = Buffer.alloc(blocks * bytes);
  const fd = openSync(path, "r");
  try {
    readSync(fd, raw, 0, raw.length, tensor.offset);
  } finally {
    closeSync(fd);
  }
  const out = new Float32Array(blocks * elements);
  for (let b = 0; b < blocks; b++) {
    const at = b * bytes;
    const base = b * elements;
    switch (type) {
      case "F32":
        out[base] = raw.readFloatLE(at);
        break;
      case "F16":
        out[base] = fromHalf(raw.readUInt16LE(at));
        break;
      case "Q8_0": {
        const d = fromHalf(raw.readUInt16LE(at));
        for (let i = 0; i < 32; i++) out[base + i] = d * raw.readInt8(at + 2 + i);
        break;
      }
      case "Q4_0": {
        const d = fromHalf(raw.readUInt16LE(at));
        for (let i = 0; i < 16; i++) {
          const q = raw[at + 2 + i]!;
          out[base + i] = d * ((q & 0x0f) - 8);
          out[base + i + 16] = d * ((q >>> 4) - 8);
        }
        break;
      }
    }
  }
  return out.subarray(0, count);
}
