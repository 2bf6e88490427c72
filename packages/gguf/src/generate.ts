/** Generates a model file from a preset (plus optional overrides) and a seed. */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { TensorTypeName } from "./format.js";
import { llamaModel } from "./llama.js";
import { DEFAULT_PRESET, DEFAULT_SEED, type ModelShape, PRESETS, type PresetName } from "./presets.js";
import { chatTemplate, DEFAULT_TEMPLATE, type TemplateName } from "./templates/chat-template.js";
import { writeGguf } from "./writer.js";

/** Options of {@link generateGguf}. */
export interface GenerateOptions {
  /** Output file; parent folders are created. */
  out: string;
  /** Named shape and matrix type. Defaults to `tiny`. */
  preset?: PresetName;
  /** Seed of the weights (uint32). Defaults to 1. */
  seed?: number;
  /** Overrides of the preset's shape, e.g. `{ layers: 4 }`. */
  shape?: Partial<ModelShape>;
  /** Overrides the preset's matrix storage type. */
  matrixType?: TensorTypeName;
  /**
   * Chat template and its special tokens: `qwen` (Qwen2.5-Instruct ChatML with tools, the
   * default) or `zephyr` (TinyLlama's, no tools).
   */
  template?: TemplateName;
}

/** Where a generated model landed. */
export interface GeneratedModel {
  /** Absolute path of the file. */
  path: string;
  /** File size in bytes. */
  bytes: number;
}

/**
 * Writes a llama-architecture GGUF v3 model with deterministic random weights. The file
 * is written under a unique temporary name and renamed into place, so readers (and other
 * processes generating the same file) never see a partial model.
 */
export async function generateGguf(opts: GenerateOptions): Promise<GeneratedModel> {
  const presetName = opts.preset ?? DEFAULT_PRESET;
  const preset = PRESETS[presetName];
  if (!preset)
    throw new Error(`preset: unknown preset ${presetName}; known: ${Object.keys(PRESETS).join(", ")}`);
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`seed: must be an integer in [0, 4294967295], got ${seed}`);
  }
  const template = opts.template ?? DEFAULT_TEMPLATE;
  chatTemplate(template);
  const path = resolve(opts.out);
  const { metadata, tensors } = llamaModel({
    name: `gen-gguf ${presetName} seed ${seed}`,
    shape: { ...preset.shape, ...opts.shape },
    matrixType: opts.matrixType ?? preset.matrixType,
    seed,
    template,
  });
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const bytes = await writeGguf(tmp, metadata, tensors);
    await rename(tmp, path);
    return { path, bytes };
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
