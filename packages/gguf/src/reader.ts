/**
 * Reads what a GGUF file holds without loading it: the header through node-llama-cpp's
 * `readGgufFileInfo` (metadata and tensor infos), flattened to the dotted keys llama.cpp uses, and
 * tensor values through a small dequantizer of our own, since node-llama-cpp reads no tensor data.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { BLOCK, DEFAULT_ALIGNMENT, TensorType, type TensorTypeName } from "./format.js";
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

/** node-llama-cpp nests `a.b.c` keys as objects; arrays and scalars are the values. */
type Nested = { [key: string]: ReadValue | Nested };

function flatten(tree: Nested, prefix: string, out: Map<string, ReadValue>): void {
  for (const [key, value] of Object.entries(tree)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) flatten(value, name, out);
    else out.set(name, normalize(value));
  }
}

/** u64/i64 come back as bigint: numbers while safe, as this package's readers always returned. */
function normalize(v: ReadValue): ReadValue {
  if (typeof v === "bigint") return safe(v);
  if (Array.isArray(v)) return v.map(normalize);
  return v;
}

function safe(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}

/** Parses the header, metadata and tensor infos of the GGUF file at `path`. */
export async function readGgufHeader(path: string): Promise<GgufHeader> {
  // Loaded on first use: node-llama-cpp's index costs ~0.4 s to import, and the CLI never reads.
  const { readGgufFileInfo } = await import("node-llama-cpp");
  const info = await readGgufFileInfo(path, {
    sourceType: "filesystem",
    logWarnings: false,
    spliceSplitFiles: false,
  }).catch((err: unknown) => {
    throw new Error(`${path}: not a readable GGUF file: ${err instanceof Error ? err.message : String(err)}`);
  });
  const metadata = new Map<string, ReadValue>();
  flatten(info.metadata as unknown as Nested, "", metadata);
  const alignment = Number(metadata.get("general.alignment") ?? DEFAULT_ALIGNMENT);
  const tensors = (info.tensorInfo ?? []).map((t) => ({
    name: t.name,
    dims: t.dimensions.map(Number),
    type: TYPE_NAMES.get(t.ggmlType) ?? (`type${t.ggmlType}` as const),
    offset: Number(t.fileOffset),
  }));
  return { version: info.version, metadata, tensors, alignment, dataOffset: info.infoEndOffset ?? 0 };
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
