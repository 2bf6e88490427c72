import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { REPO_ROOT } from "../apps/repo-paths.js";

/**
 * The fields of a `models/catalog.yaml` entry a cluster needs. The catalog's full schema lives in
 * @llm/models; infra-common reads the same file (it does not depend on that package) and checks
 * only what it uses, so the router's model names and context and the runtime's name, URI, digest
 * and context all come from one entry.
 */
const catalogEntry = z
  .object({
    name: z.string().min(1),
    uri: z.string().min(1),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    contextLength: z.number().int().positive(),
    pool: z.enum(["cpu", "gpu"]),
  })
  .loose();
const catalogFile = z.object({ version: z.literal(1), models: z.array(catalogEntry).min(1) }).loose();
export type CatalogModel = z.infer<typeof catalogEntry>;

/** What one pool's runtime serves, resolved from the catalog. */
export interface PoolModel {
  /** Catalog name: what clients send as `model` and what the router advertises. */
  name: string;
  /** Download URL of the GGUF file (https, pinned revision). */
  uri: string;
  /** SHA-256 of the file; the init container refuses a mismatch. */
  sha256: string;
  /** File name inside the model cache (the URI's last path segment). */
  file: string;
  /** Context the runtime runs with (`--ctx-size`) and the router advertises. */
  contextLength: number;
}

/** Path of the catalog in a checkout. */
export function catalogPath(root: string = REPO_ROOT): string {
  return path.join(root, "models", "catalog.yaml");
}

/** Reads and checks `models/catalog.yaml`; errors name the file. */
export function loadModelCatalog(root: string = REPO_ROOT): CatalogModel[] {
  const file = catalogPath(root);
  const parsed = catalogFile.safeParse(parse(readFileSync(file, "utf8")));
  if (!parsed.success)
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return parsed.data.models;
}

/**
 * The catalog entry a pool serves, as its runtime needs it. `key` names the config key the name
 * came from (e.g. `llm-platform:capabilities.gpu.models`) so every error points at it.
 * Generated (`gen://`) and local (`file://`) models are refused: a cluster can only download.
 */
export function poolModel(
  catalog: CatalogModel[],
  name: string,
  key: string,
  contextLength?: number,
): PoolModel {
  const entry = catalog.find((m) => m.name === name);
  if (!entry)
    throw new Error(`${key}: unknown model ${name}; known: ${catalog.map((m) => m.name).join(", ")}`);
  if (!entry.uri.startsWith("https://") || !entry.sha256)
    throw new Error(
      `${key}: model ${name} is not downloadable (${entry.uri.split(":")[0]}://): pick an https entry`,
    );
  if (contextLength !== undefined && contextLength > entry.contextLength)
    throw new Error(
      `${key.replace(/models$/, "contextLength")}: ${contextLength} exceeds ${name}'s trained context (${entry.contextLength})`,
    );
  const file = decodeURIComponent(new URL(entry.uri).pathname.split("/").pop() ?? "");
  return {
    name,
    uri: entry.uri,
    sha256: entry.sha256,
    file,
    contextLength: contextLength ?? entry.contextLength,
  };
}
