/**
 * A per-repository cache of generated models, shared by every test and local run:
 * `<repo>/.cache/models/<preset>-s<seed>.gguf`, generated on first use.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generateGguf } from "./generate.js";
import { GENERATOR_VERSION } from "./llama.js";
import { DEFAULT_PRESET, DEFAULT_SEED, PRESETS, type PresetName } from "./presets.js";
import { readGgufHeader } from "./reader.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Folder of cached models; `GEN_GGUF_CACHE_DIR` overrides `<repo>/.cache/models`. */
export function modelCacheDir(): string {
  return process.env.GEN_GGUF_CACHE_DIR ?? join(repoRoot, ".cache", "models");
}

/** Path a cached model of `preset` and `seed` has (whether or not it exists yet). */
export function cachedModelPath(preset: PresetName = DEFAULT_PRESET, seed: number = DEFAULT_SEED): string {
  return join(modelCacheDir(), `${preset}-s${seed}.gguf`);
}

async function isCurrent(path: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  try {
    return (await readGgufHeader(path)).metadata.get("gen_gguf.version") === GENERATOR_VERSION;
  } catch {
    return false;
  }
}

/** Generations in flight in this process, so concurrent callers share one. */
const pending = new Map<string, Promise<string>>();

/**
 * Returns the path of the cached model for `preset` and `seed`, generating it when absent
 * or made by an older generator. Safe to call concurrently from several processes (jest
 * workers): each writes a unique temporary file and renames it into place atomically.
 */
export async function ensureModel(
  preset: PresetName = DEFAULT_PRESET,
  seed: number = DEFAULT_SEED,
): Promise<string> {
  // Checked before the name is built so a bad value never becomes a file name.
  if (!Object.hasOwn(PRESETS, preset)) {
    throw new Error(`preset: unknown preset ${preset}; known: ${Object.keys(PRESETS).join(", ")}`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`seed: must be an integer in [0, 4294967295], got ${seed}`);
  }
  const path = cachedModelPath(preset, seed);
  if (await isCurrent(path)) return path;
  let job = pending.get(path);
  if (!job) {
    job = generateGguf({ out: path, preset, seed }).then((m) => m.path);
    pending.set(path, job);
    job.finally(() => pending.delete(path)).catch(() => {});
  }
  return job;
}
