import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { findCatalogModel, generateFromUri, presetNames, presetUri } from "./catalog.js";
import { downloadModel } from "./download.js";

export interface ResolvedModel {
  /** Path of the GGUF file to load. */
  path: string;
  /** Name served in /v1/models: the catalog name, else the file's base name without `.gguf`. */
  name: string;
}

/** Where catalog models with remote URIs are cached when `serve` is given a catalog name. */
export function modelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RUNTIME_MODEL_DIR ?? path.resolve(".cache", "models");
}

/**
 * Turns `--model` into a file: an existing path wins; then `gen://` URIs; then catalog names
 * (generated, or downloaded once into the model cache and verified); then generator presets
 * (`tiny`, served under that name, as the local stack advertises it).
 */
export async function resolveModel(
  spec: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedModel> {
  if (existsSync(spec) && statSync(spec).isFile()) {
    return { path: path.resolve(spec), name: path.basename(spec).replace(/\.gguf$/i, "") };
  }
  if (spec.startsWith("gen://")) {
    const file = await generateFromUri(spec);
    return { path: file, name: path.basename(file).replace(/\.gguf$/i, "") };
  }
  const entry = await findCatalogModel(spec);
  if (!entry) {
    const preset = await presetUri(spec);
    if (preset) return { path: await generateFromUri(preset), name: spec };
    const presets = await presetNames();
    const orPreset = presets.length > 0 ? ` nor a generated preset (${presets.join(", ")})` : "";
    throw new Error(
      `--model: "${spec}" is neither an existing file nor a catalog model name${orPreset}; gen://<preset>?seed=<n> also works`,
    );
  }
  if (entry.uri.startsWith("gen://")) return { path: await generateFromUri(entry.uri), name: entry.name };
  if (entry.uri.startsWith("file://")) return { path: new URL(entry.uri).pathname, name: entry.name };
  if (!entry.sha256) throw new Error(`--model: catalog entry "${spec}" has no sha256 to verify its download`);
  const out = path.join(modelCacheDir(env), `${entry.name}.gguf`);
  if (!existsSync(out)) await downloadModel({ uri: entry.uri, sha256: entry.sha256, out });
  return { path: out, name: entry.name };
}
