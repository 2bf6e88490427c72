/** Loads and queries the model catalog, with errors that name the entry and field. */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { type Catalog, type CatalogEntry, CatalogSchema } from "./schema.js";

/** The catalog shipped in this package; `LLM_MODEL_CATALOG` points elsewhere. */
export const defaultCatalogPath = resolve(dirname(fileURLToPath(import.meta.url)), "../catalog.yaml");

/** A catalog that failed to read, parse or validate; `issues` holds one line per problem. */
export class CatalogError extends Error {
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`${source}: ${issues.join("; ")}`);
    this.name = "CatalogError";
  }
}

/** `models[2].sha256`, the way the YAML reads. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

function describe(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const path = fieldPath(i.path);
    if (i.code === "unrecognized_keys") {
      return i.keys.map((k) => `${path ? `${path}.` : ""}${k}: unknown field`).join("; ");
    }
    return path ? `${path}: ${i.message}` : i.message;
  });
}

/** Validates catalog YAML text; `source` names it in errors. */
export function parseCatalog(text: string, source = "catalog"): Catalog {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new CatalogError(source, [`invalid YAML: ${err instanceof Error ? err.message : String(err)}`]);
  }
  const result = CatalogSchema.safeParse(doc);
  if (!result.success) throw new CatalogError(source, describe(result.error));
  return result.data;
}

/** Reads and validates a catalog file. Defaults to `LLM_MODEL_CATALOG` or the shipped catalog. */
export function loadCatalog(path: string = process.env.LLM_MODEL_CATALOG ?? defaultCatalogPath): Catalog {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new CatalogError(path, [`cannot read: ${err instanceof Error ? err.message : String(err)}`]);
  }
  return parseCatalog(text, path);
}

/** Looks a model up by name, in `catalog` or the default catalog; throws listing the known names. */
export function findModel(name: string, catalog: Catalog = loadCatalog()): CatalogEntry {
  const entry = catalog.models.find((m) => m.name === name);
  if (!entry) {
    throw new Error(`unknown model ${name}; known: ${catalog.models.map((m) => m.name).join(", ")}`);
  }
  return entry;
}
