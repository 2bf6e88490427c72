import { readFile } from "node:fs/promises";
import { describeIssues } from "@llm/contracts";
import { parse as parseYaml } from "yaml";
import { type ProvidersFile, providersFile } from "./schema.js";

/** Parses a providers document (already decoded) or throws naming every bad field. */
export function parseProviders(doc: unknown, source = "providers file"): ProvidersFile {
  const result = providersFile.safeParse(doc);
  if (!result.success) throw new Error(`${source}: ${describeIssues(result.error)}`);
  return result.data;
}

/** Reads a providers file (.yaml, .yml or .json) and validates it. */
export async function loadProviders(path: string): Promise<ProvidersFile> {
  const text = await readFile(path, "utf8");
  const doc = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  return parseProviders(doc, path);
}
