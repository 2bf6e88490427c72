/**
 * A per-repository cache of generated models, shared by every test and local run:
 * `<repo>/.cache/models/<preset>-s<seed>.gguf` for the default template and
 * `<preset>-s<seed>-<template>.gguf` for another, generated on first use.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generateGguf } from "./generate.js";
import { GENERATOR_VERSION } from "./llama.js";
import { DEFAULT_PRESET, DEFAULT_SEED, PRESETS, type PresetName } from "./presets.js";
import { readGgufHeader } from "./reader.js";
import { chatTemplate, DEFAULT_TEMPLATE, type TemplateName } from "./templates/chat-template.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Folder of cached models; `GEN_GGUF_CACHE_DIR` overrides `<repo>/.cache/models`. */
export function modelCacheDir(): string {
  return process.env.GEN_GGUF_CACHE_DIR ?? join(repoRoot, ".cache", "models");
}

/**
 * Path a cached model of `preset`, `seed` and `template` has (whether or not it exists yet).
 * The default template keeps the plain name, so the model served as `tiny-s1` keeps its name.
 */
export function cachedModelPath(
  preset: PresetName = DEFAULT_PRESET,
  seed: number = DEFAULT_SEED,
  template: TemplateName = DEFAULT_TEMPLATE,
): string {
  const suffix = template === DEFAULT_TEMPLATE ? "" : `-${template}`;
  return join(modelCacheDir(), `${preset}-s${seed}${suffix}.gguf`);
}

/**
 * Whether `path` holds what this generator writes for `template`: a file of an older
 * generator (one written before templates were chosen carried Zephyr's under the same
 * name) or of another template is regenerated, never reused.
 */
async function isCurrent(path: string, template: TemplateName): Promise<boolean> {
  if (!existsSync(path)) return false;
  try {
    const metadata = (await readGgufHeader(path)).metadata;
    return (
      metadata.get("gen_gguf.version") === GENERATOR_VERSION && metadata.get("gen_gguf.template") === template
    );
  } catch {
    return false;
  }
}

/** Generations in flight in this process, so concurrent callers share one. */
const pending = new Map<string, Promise<string>>();

/**
 * Returns the path of the cached model for `preset`, `seed` and `template`, generating it
 * when absent, made by an older generator or carrying another template. Safe to call concurrently from several processes (jest
 * workers): each writes a unique temporary file and renames it into place atomically.
 */
export async function ensureModel(
  preset: PresetName = DEFAULT_PRESET,
  seed: number = DEFAULT_SEED,
  template: TemplateName = DEFAULT_TEMPLATE,
): Promise<string> {
  // Checked before the name is built so a bad value never becomes a file name.
  if (!Object.hasOwn(PRESETS, preset)) {
    throw new Error(`preset: unknown preset ${preset}; known: ${Object.keys(PRESETS).join(", ")}`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`seed: must be an integer in [0, 4294967295], got ${seed}`);
  }
  chatTemplate(template);
  const path = cachedModelPath(preset, seed, template);
  if (await isCurrent(path, template)) return path;
  let job = pending.get(path);
  if (!job) {
    job = generateGguf({ out: path, preset, seed, template }).then((m) => m.path);
    pending.set(path, job);
    job.finally(() => pending.delete(path)).catch(() => {});
  }
  return job;
}
