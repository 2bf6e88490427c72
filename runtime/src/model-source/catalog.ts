/**
 * The slice of the model catalog (@llm/models) the runtime reads. Imported lazily: a runtime given a
 * file path never needs the catalog, and the container image can run without dev-only packages.
 */
export interface CatalogModel {
  name: string;
  /** `https://...`, `file://...` or `gen://<preset>?seed=<n>` (generated locally, for tests). */
  uri: string;
  /** Expected hex SHA-256 of the file; absent for generated models. */
  sha256?: string | null;
  contextLength?: number;
  chatTemplate?: string;
}

// Variable specifiers keep the type-checker from requiring these at build time. gen-gguf is reached by
// relative path because @llm/scripts exports no subpaths (and the container image does not ship it).
const modelsPackage = "@llm/models";
const genGgufModule = "../../../scripts/src/gen-gguf/index.js";

/** Looks `name` up in the catalog; undefined when it is not a catalog name (or no catalog is installed). */
export async function findCatalogModel(name: string): Promise<CatalogModel | undefined> {
  let mod: { findModel?: (n: string) => CatalogModel | undefined | Promise<CatalogModel | undefined> };
  try {
    mod = (await import(modelsPackage)) as typeof mod;
  } catch {
    return undefined;
  }
  if (typeof mod.findModel !== "function") return undefined;
  try {
    return (await mod.findModel(name)) ?? undefined;
  } catch {
    return undefined;
  }
}

type Preset = "tiny" | "tiny-q8_0" | "tinyllama-q8_0" | "tinyllama-q4_0";

/** Generates (or reuses the cached) test model for a `gen://preset?seed=n` URI; returns its path. */
export async function generateFromUri(uri: string): Promise<string> {
  const url = new URL(uri);
  const preset = (url.hostname || url.pathname.replace(/^\/+/, "")) as Preset;
  const seedText = url.searchParams.get("seed");
  const seed = seedText === null ? undefined : Number(seedText);
  let mod: { ensureModel: (preset?: Preset, seed?: number) => Promise<string> };
  try {
    mod = (await import(genGgufModule)) as typeof mod;
  } catch (err) {
    throw new Error(`${uri}: generated models need the gen-gguf script (@llm/scripts): ${String(err)}`);
  }
  return mod.ensureModel(preset, seed);
}
