import { findModel } from "@llm/models";

/** The slice of a catalog entry (@llm/models) the runtime reads. */
export interface CatalogModel {
  name: string;
  /** `https://...`, `file://...` or `gen://<preset>?seed=<n>` (generated locally, for tests). */
  uri: string;
  /** Expected hex SHA-256 of the file; absent for generated models. */
  sha256?: string | null;
  contextLength?: number;
  chatTemplate?: string;
}

/** Looks `name` up in the catalog (models/catalog.yaml); undefined when it is not a catalog name. */
export async function findCatalogModel(name: string): Promise<CatalogModel | undefined> {
  try {
    return findModel(name);
  } catch (err) {
    // Only "no such name" means "not a catalog model"; a broken catalog must surface.
    if (err instanceof Error && err.message.startsWith("unknown model")) return undefined;
    throw err;
  }
}

type Preset = "tiny" | "tiny-q8_0" | "tinyllama-q8_0" | "tinyllama-q4_0";

/** Generates (or reuses the cached) test model for a `gen://preset?seed=n` URI; returns its path. */
export async function generateFromUri(uri: string): Promise<string> {
  const url = new URL(uri);
  const preset = (url.hostname || url.pathname.replace(/^\/+/, "")) as Preset;
  const seedText = url.searchParams.get("seed");
  const seed = seedText === null ? undefined : Number(seedText);
  // Loaded on demand: only gen:// URIs (tests, local runs) need the generator.
  let mod: { ensureModel: (preset?: Preset, seed?: number) => Promise<string> };
  try {
    mod = await import("@llm/gguf");
  } catch (err) {
    throw new Error(`${uri}: generated models need @llm/gguf: ${String(err)}`);
  }
  return mod.ensureModel(preset, seed);
}

/** The generator's preset names (`tiny`, `tiny-q8_0`, ...); empty without @llm/gguf (container images serve real models only). */
export async function presetNames(): Promise<readonly string[]> {
  try {
    return (await import("@llm/gguf")).PRESET_NAMES;
  } catch {
    return [];
  }
}

/** `gen://<name>` when `name` is a generator preset, so `--model tiny` means what `pnpm start` means by it. */
export async function presetUri(name: string): Promise<string | undefined> {
  return (await presetNames()).includes(name) ? `gen://${name}` : undefined;
}
